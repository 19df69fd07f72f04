/** The shape of one run's results, as written to bench/results/*.json. */
import type { MachineInfo } from './machine.js';
import type { BenchOptions } from './options.js';
import type { ConnectResult } from './scenarios/connect.js';
import type { FanoutResult } from './scenarios/fanout.js';
import type { LoginResult } from './scenarios/login.js';
import type { ProfileResult } from './scenarios/profile.js';
import type { RoomListResult } from './scenarios/room-list.js';
import type { RoomsResult } from './scenarios/rooms.js';
import type { SearchResult } from './scenarios/search.js';
import type { UploadFanoutResult } from './scenarios/upload.js';

export interface Pair<T> {
  parley?: T;
  baseline?: T;
}

export interface BenchResults {
  startedAt: string;
  durationSeconds: number;
  machine: MachineInfo;
  options: BenchOptions;
  connect?: Pair<ConnectResult>;
  fanout?: Pair<FanoutResult>;
  login?: Pair<LoginResult>;
  /** parley: the two-node cluster; baseline: the single baseline server it is compared with. */
  cluster?: Pair<FanoutResult>;
  rooms?: Pair<RoomsResult>;
  /** Parley only, one entry per store. */
  roomlist?: RoomListResult[];
  /** Parley only: the fan-out p99 with and without uploads through the same node. */
  upload?: UploadFanoutResult;
  profile?: Pair<ProfileResult>;
  /** Parley only: full-text search per store, and the FTS5 cost on the SQLite append path. */
  search?: SearchResult;
  /** Scenario (and target) → what went wrong, when something did. */
  errors: Record<string, string>;
}
