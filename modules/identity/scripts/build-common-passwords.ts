// Builds assets/common-passwords.txt from the password list of @zxcvbn-ts/language-common (MIT),
// which is ordered by how often each password occurs in public breach corpora. Run with the
// package's src/passwords.json (e.g. from `npm pack @zxcvbn-ts/language-common` in a temp dir):
//   node --import tsx modules/identity/scripts/build-common-passwords.ts <passwords.json> > modules/identity/assets/common-passwords.txt
import { readFileSync } from 'node:fs';

const topCount = 10_000;
const lengthMin = 12;

const path = process.argv[2];
if (path === undefined) throw new Error('usage: build-common-passwords.ts <passwords.json>');
const ranked: unknown = JSON.parse(readFileSync(path, 'utf8'));
if (!Array.isArray(ranked)) throw new Error(`${path} is not a JSON array`);

const kept = new Set<string>();
ranked.forEach((entry: unknown, rank: number) => {
  if (typeof entry !== 'string') return;
  const password = entry.trim().toLowerCase();
  // Printable ASCII only: the list is matched against lower-cased input, one entry per line.
  if (password.length < 4 || !/^[\x21-\x7e]+$/.test(password)) return;
  // The most common passwords of any length (they also catch "<common word>2024!"), and every
  // listed password long enough to pass the length rule on its own.
  if (rank < topCount || password.length >= lengthMin) kept.add(password);
});

const header = [
  '#! Common passwords refused at registration, password change and reset (OWASP ASVS 2.1.7).',
  `#! The ${topCount} most frequent entries of the password list in @zxcvbn-ts/language-common`,
  `#! (ranked by frequency in public breach corpora), plus every listed entry of ${lengthMin}+ characters;`,
  '#! lower-cased, de-duplicated, printable ASCII. Built by scripts/build-common-passwords.ts.',
  '#! Source licence: MIT, Copyright (c) 2012-2016 Dan Wheeler and Dropbox, Inc.; (c) 2021 @zxcvbn-ts.',
];
process.stdout.write(`${[...header, ...[...kept].sort()].join('\n')}\n`);
