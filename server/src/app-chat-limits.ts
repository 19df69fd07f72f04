import type { Config } from './config.js';
import type { ChatLimits } from './core/context.js';

/** The chat core's limits, from the configuration (composition root; app.ts stays one idea). */
export function chatLimits(config: Config): ChatLimits {
  const rl = config.rateLimits;
  return {
    messageMaxChars: config.messageMaxChars,
    messageMaxBytes: config.messageMaxBytes,
    messagesPerSecond: rl.messagesPerSecond,
    messagesBurst: rl.messagesBurst,
    replyMaxBytes: config.replyMaxBytes,
    maxBufferedBytes: config.wsMaxBufferedBytes,
    presenceCoalesceMs: 50,
    typingIntervalMs: 1000,
    messageViolationsBeforeClose: rl.messageViolationsBeforeClose,
    frames: {
      perConnectionPerSecond: rl.framesPerSecond,
      perConnectionBurst: rl.framesBurst,
      perUserPerSecond: rl.userFramesPerSecond,
      perUserBurst: rl.userFramesBurst,
    },
    maxQueuedFrames: config.wsMaxQueuedFrames,
    // A bus hop takes about a millisecond; a wait this long means the event was lost.
    reorderHoldMs: 250,
    roomsPerUser: rl.roomsPerUser,
    membersPerRoom: rl.membersPerRoom,
  };
}
