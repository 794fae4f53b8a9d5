// Typed errors: each kind knows its exit code (SPEC §1). Commands throw these; only cli.ts catches
// them and turns them into a message on stderr and an exit code. Anything else is a bug (exit 70).

export abstract class DunningError extends Error {
  abstract readonly exitCode: number;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad flag or value, invalid config key, template error: exit 2. */
export class UsageError extends DunningError {
  readonly exitCode = 2;
}

/** Template syntax or unknown variable: a usage/configuration error (exit 2) that names the file and line. */
export class TemplateError extends DunningError {
  readonly exitCode = 2;
}

/** Unreadable ledger, no usable rows, required column missing, `--send` guards: exit 3. */
export class InputError extends DunningError {
  readonly exitCode = 3;
}

/** Some letters ended deferred/failed/unknown: exit 1. */
export class SendError extends DunningError {
  readonly exitCode = 1;
}

/** Another run holds the client folder's lock: exit 75 (EX_TEMPFAIL). */
export class LockedError extends DunningError {
  readonly exitCode = 75;
}

export const EXIT = { ok: 0, someLettersFailed: 1, usage: 2, input: 3, internal: 70, locked: 75 } as const;
