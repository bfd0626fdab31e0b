// How a stage fails on purpose, kept apart from StageContext so the state modules can raise it without the context.

/** What a failed stage leaves in its record: what went wrong, what each host was left in, what to do next. */
export interface Failure {
  message: string;
  /** What each host was left in, in words an operator can act on. */
  hostState: string;
  nextStep: string;
}

/** A stage that failed on purpose: says what the host was left in and what to do next. */
export class StageError extends Error {
  constructor(
    message: string,
    readonly hostState: string,
    readonly nextStep: string,
  ) {
    super(message);
    this.name = 'StageError';
  }

  toFailure(): Failure {
    return { message: this.message, hostState: this.hostState, nextStep: this.nextStep };
  }
}
