/** An error the stand-in answers with, in the shape of the service that raises it. */
export class ServiceError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = type;
  }
}

/** What this machine lacks for the stand-in to run: told to the user as one sentence with the fix. */
export class StandInPrerequisite extends Error {
  override name = 'StandInPrerequisite';
}
