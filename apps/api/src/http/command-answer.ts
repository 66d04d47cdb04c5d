import type { CommandResponseDto } from './command-response.dto';

/**
 * What a command request answers: the body, and what the headers say of the stream (sendCommandAnswer sets
 * them). The gateway stays free of HTTP; the controller may swap the body (an issued key) and keep the headers.
 */
export class CommandAnswer<Body = CommandResponseDto> {
  constructor(
    readonly body: Body,
    /** The stream's revision after the command, sent as the ETag that If-Match takes. */
    readonly revision: bigint | null,
    /** Answered from an earlier run of the same Idempotency-Key: nothing was written now. */
    readonly replayed: boolean,
  ) {}

  withBody<Other>(body: Other): CommandAnswer<Other> {
    return new CommandAnswer(body, this.revision, this.replayed);
  }
}
