// Proves the template contract: a mail must carry every required variable, no unknown one and only
// strings; template names are module-prefixed and registered once.
import { describe, expect, it } from 'vitest';
import { checkTemplateVars, defineMailTemplate, TemplateRegistry } from './mail-template.js';

const greeting = defineMailTemplate({
  requiredVars: ['name'],
  optionalVars: ['city'],
  subject: (v) => `Hi ${v.name}`,
  text: (v) => `Hello ${v.name} from ${v.city ?? 'nowhere'}`,
  html: (v) => `<p>Hello ${v.name}</p>`,
});

describe('checkTemplateVars', () => {
  it('accepts the required variables with or without the optional ones', () => {
    expect(() => checkTemplateVars('test.greeting', greeting, { name: 'Ann' })).not.toThrow();
    expect(() => checkTemplateVars('test.greeting', greeting, { name: 'Ann', city: 'Oslo' })).not.toThrow();
  });

  it('refuses a missing required variable, naming it', () => {
    expect(() => checkTemplateVars('test.greeting', greeting, { city: 'Oslo' })).toThrow(
      "mail template 'test.greeting' needs name",
    );
  });

  it('refuses an unknown (misspelt) variable, naming it', () => {
    expect(() => checkTemplateVars('test.greeting', greeting, { name: 'Ann', cty: 'Oslo' })).toThrow(
      "mail template 'test.greeting' has no variable cty",
    );
  });

  it('refuses a value that is not a string', () => {
    expect(() => checkTemplateVars('test.greeting', greeting, { name: 'Ann', city: 3 })).toThrow(
      'city must be strings',
    );
  });
});

describe('TemplateRegistry', () => {
  it('registers, finds and lists templates', () => {
    const registry = new TemplateRegistry();
    registry.register('test.greeting', greeting);
    expect(registry.get('test.greeting')).toBe(greeting);
    expect(registry.find('test.other')).toBeUndefined();
    expect(registry.names()).toEqual(['test.greeting']);
  });

  it('an unknown template is a programmer error', () => {
    expect(() => new TemplateRegistry().get('test.nope')).toThrow(
      "mail template 'test.nope' is not registered",
    );
  });

  it('refuses a second template of the same name', () => {
    const registry = new TemplateRegistry();
    registry.register('test.greeting', greeting);
    expect(() => registry.register('test.greeting', greeting)).toThrow('already registered');
  });

  it('refuses names without a module prefix or not in lower case', () => {
    const registry = new TemplateRegistry();
    for (const name of ['greeting', 'Test.greeting', 'test.', 'test greeting.x']) {
      expect(() => registry.register(name, greeting), name).toThrow('must be');
    }
  });

  it('refuses a variable both required and optional', () => {
    const both = defineMailTemplate({
      requiredVars: ['a'],
      optionalVars: ['a'],
      subject: () => '',
      text: () => '',
      html: () => '',
    });
    expect(() => new TemplateRegistry().register('test.both', both)).toThrow('a both required and optional');
  });
});
