import { builder } from './builder.js';
import { DomainError } from './errors.js';

/**
 * Typed errors for mutations (the errors plugin): every error written for people implements `Error`, so a
 * client can always ask `... on Error { message }` and add fragments for the kinds it handles.
 */
export const ErrorInterface = builder.interfaceRef<DomainError>('Error').implement({
  description: 'Something the request could not do, said so that a person can act on it.',
  fields: (t) => ({ message: t.exposeString('message') }),
});

builder.objectType(DomainError, {
  name: 'BaseError',
  description: 'An error with a message and nothing more specific.',
  interfaces: [ErrorInterface],
});
