/**
 * A problem that must stop start-up, with a message an operator can act on without
 * reading a stack trace.
 */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}
