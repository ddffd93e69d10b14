/**
 * The directory's own settings: caps, proof-of-work difficulty, rate limits
 * and the name lifecycle. Both directories keep them where only their
 * operator can change them: the SQL directory in the one-row table
 * `parley_private.settings` (supabase/migrations/), the local one in the
 * `settings` table of its file. Clients learn the parts they need from
 * `Directory.policy()`.
 */
export interface DirectorySettings {
  maxEnvelopeBytes: number;
  /** Friends' mail waiting per recipient (introductions have their own cap). */
  maxPendingPerRecipient: number;
  maxEnvelopeAgeMs: number;
  maxLookupBatch: number;
  maxTakeBatch: number;

  /** Leading zero bits a sign-up's proof of work needs. */
  powRegisterBits: number;
  /** Leading zero bits an introduction's proof of work needs. */
  powIntroBits: number;
  /** How far (in minutes, either way) a proof's time stamp may be from the directory's clock. */
  powWindowMinutes: number;

  /** Introductions waiting per recipient, their largest size and their lifetime. */
  introMaxPending: number;
  introMaxBytes: number;
  introMaxAgeMs: number;

  /** A name without a heartbeat for this long can be claimed again. */
  nameIdleMs: number;
  /** Most names the directory holds, and most envelope bytes it stores, for everyone together. */
  maxUsers: number;
  maxStoredBytes: number;
  /** Most capabilities one user may have registered (two per friend). */
  maxCapabilitiesPerUser: number;
  /** Key-rotation proofs kept per user (friends offline through more rotations see a key change). */
  maxRotationsKept: number;

  /** Per client address (or for everyone when the directory cannot tell addresses apart). */
  rateRegisterPerHour: number;
  rateIntroPerHour: number;
  rateRecoverPerHour: number;
  rateDropPerMinute: number;
}

export const DEFAULT_DIRECTORY_SETTINGS: DirectorySettings = {
  maxEnvelopeBytes: 64 * 1024,
  maxPendingPerRecipient: 1000,
  maxEnvelopeAgeMs: 30 * 24 * 3600 * 1000,
  maxLookupBatch: 200,
  maxTakeBatch: 100,
  // ~1 s of one core on the reference machine (about 460,000 SHA-256 a second; bench/README.md).
  powRegisterBits: 19,
  // ~0.15 s: an introduction goes once per new friend, and its queue is small anyway.
  powIntroBits: 16,
  powWindowMinutes: 10,
  introMaxPending: 16,
  introMaxBytes: 4096,
  introMaxAgeMs: 3 * 24 * 3600 * 1000,
  nameIdleMs: 180 * 24 * 3600 * 1000,
  maxUsers: 1_000_000,
  maxStoredBytes: 4 * 1024 ** 3,
  maxCapabilitiesPerUser: 4000,
  maxRotationsKept: 8,
  rateRegisterPerHour: 30,
  rateIntroPerHour: 60,
  rateRecoverPerHour: 10,
  rateDropPerMinute: 600,
};

/**
 * For networks of many hosts on one machine (test suites, benchmarks): a
 * local directory cannot tell its callers apart, so every host shares its
 * rate limits, and sign-ups are made cheap. Never a default.
 */
export const MANY_HOSTS_SETTINGS: Partial<DirectorySettings> = {
  powRegisterBits: 4,
  powIntroBits: 4,
  rateRegisterPerHour: 1_000_000,
  rateIntroPerHour: 1_000_000,
  rateRecoverPerHour: 1_000_000,
  rateDropPerMinute: 1_000_000,
};

/** The settings clients need to know, from `Directory.policy()`. */
export interface DirectoryPolicy {
  powRegisterBits: number;
  powIntroBits: number;
  powWindowMinutes: number;
  introMaxBytes: number;
  maxEnvelopeBytes: number;
}

export function policyOf(settings: DirectorySettings): DirectoryPolicy {
  const { powRegisterBits, powIntroBits, powWindowMinutes, introMaxBytes, maxEnvelopeBytes } = settings;
  return { powRegisterBits, powIntroBits, powWindowMinutes, introMaxBytes, maxEnvelopeBytes };
}
