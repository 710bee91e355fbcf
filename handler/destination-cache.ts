// Destination secrets, parsed and cached for a short time in a warm container
// so a burst of files to one partner reads the secret once. Failures are not
// cached: a fixed secret is picked up by the next retry.
import { parseDestination, type Destination } from '../shared/destination/parse-secret.js';
import type { SecretStore } from './ports.js';

export class DestinationCache {
  private readonly entries = new Map<string, { value: Destination; until: number }>();

  constructor(
    private readonly store: SecretStore,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async get(secretName: string): Promise<Destination> {
    const hit = this.entries.get(secretName);
    if (hit && hit.until > this.now()) return hit.value;
    const value = parseDestination(secretName, await this.store.read(secretName));
    if (this.ttlMs > 0) this.entries.set(secretName, { value, until: this.now() + this.ttlMs });
    return value;
  }
}
