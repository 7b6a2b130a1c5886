/** Variables as a template reads them: the required ones always present, the optional ones maybe. */
export type TemplateVars<Required extends string, Optional extends string> = Readonly<
  Record<Required, string> & Partial<Record<Optional, string>>
>;

/**
 * A mail template: plain functions of its variables. `html` receives the variables already
 * HTML-escaped, so a template writes markup around them and cannot inject the caller's input.
 */
export interface MailTemplate<Required extends string = string, Optional extends string = string> {
  /** Variables a mail of this template must carry; send() refuses one without them. */
  requiredVars: readonly Required[];
  /** Variables it may carry; any other is refused, so a misspelt name fails at send() and not in a mailbox. */
  optionalVars?: readonly Optional[];
  /** Variables to redact that the naming rule (…Url, …Token, …Code) would not catch. */
  secretVars?: readonly (Required | Optional)[];
  subject(vars: TemplateVars<Required, Optional>): string;
  text(vars: TemplateVars<Required, Optional>): string;
  html(escaped: TemplateVars<Required, Optional>): string;
}

/** Types a template's variables from its lists (`requiredVars: ['verifyUrl']` makes `vars.verifyUrl` a string). */
export function defineMailTemplate<const Required extends string, const Optional extends string = never>(
  template: MailTemplate<Required, Optional>,
): MailTemplate<Required, Optional> {
  return template;
}

const TEMPLATE_NAME = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/;

/** The templates a mail service knows, by name ('identity.verify-email'). */
export class TemplateRegistry {
  readonly #templates = new Map<string, MailTemplate>();

  /** Adds a template; a second template of the same name, or a name without a module prefix, is a bug. */
  register<Required extends string, Optional extends string>(
    name: string,
    template: MailTemplate<Required, Optional>,
  ): void {
    if (!TEMPLATE_NAME.test(name)) {
      throw new Error(`mail template name '${name}' must be '<module>.<name>' in lower case`);
    }
    if (this.#templates.has(name)) throw new Error(`mail template '${name}' is already registered`);
    const overlap = template.requiredVars.filter((v) => template.optionalVars?.includes(v as never));
    if (overlap.length > 0) {
      throw new Error(`mail template '${name}': ${overlap.join(', ')} both required and optional`);
    }
    // The registry only ever calls it with variables checked against these lists.
    this.#templates.set(name, template as unknown as MailTemplate);
  }

  /** The template of that name, or undefined. */
  find(name: string): MailTemplate | undefined {
    return this.#templates.get(name);
  }

  /** The template of that name; an unknown name is a programmer error. */
  get(name: string): MailTemplate {
    const template = this.#templates.get(name);
    if (template === undefined) throw new Error(`mail template '${name}' is not registered`);
    return template;
  }

  /** Registered names, sorted. */
  names(): string[] {
    return [...this.#templates.keys()].sort();
  }
}

/**
 * Checks a mail's variables against its template: every required one present, nothing unknown,
 * every value a string. Throws (programmer error) naming the template and the variables.
 */
export function checkTemplateVars(
  name: string,
  template: MailTemplate,
  vars: Readonly<Record<string, unknown>>,
): void {
  const missing = template.requiredVars.filter((v) => typeof vars[v] !== 'string');
  if (missing.length > 0) {
    throw new Error(`mail template '${name}' needs ${missing.join(', ')}`);
  }
  const known = new Set<string>([...template.requiredVars, ...(template.optionalVars ?? [])]);
  const unknown = Object.keys(vars).filter((v) => !known.has(v));
  if (unknown.length > 0) {
    throw new Error(`mail template '${name}' has no variable ${unknown.join(', ')}`);
  }
  const notText = Object.keys(vars).filter((v) => typeof vars[v] !== 'string');
  if (notText.length > 0) {
    throw new Error(`mail template '${name}': ${notText.join(', ')} must be strings`);
  }
}
