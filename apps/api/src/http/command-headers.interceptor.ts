import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import { Injectable } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { map } from 'rxjs';
import { CommandAnswer } from './command-answer';
import type { FastifyReply } from './ledger-request';

export const toETag = (revision: bigint): string => `"${revision}"`;

/** Turns a command's answer into HTTP: `ETag` (the stream revision) and `Idempotent-Replayed`, and the body. */
@Injectable()
export class CommandHeadersInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(map((answer: unknown) => {
      if (!(answer instanceof CommandAnswer)) return answer;
      const reply = context.switchToHttp().getResponse<FastifyReply>();
      if (answer.revision !== null) reply.header('ETag', toETag(answer.revision));
      if (answer.replayed) reply.header('Idempotent-Replayed', 'true');
      return answer.body;
    }));
  }
}
