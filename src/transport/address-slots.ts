/** One connection's place in its address's count; releasing it twice is harmless. */
export interface Slot {
  release(): void;
}

/**
 * Counts the open WebSocket connections of each address that are not admin connections, and refuses
 * one more past the cap (LIMIT-6), so that one address cannot hold thousands of sockets open.
 */
export class AddressSlots {
  private readonly open = new Map<string, number>();

  constructor(private readonly max: number) {}

  /** A slot for a new connection from `address`, or undefined when the address has none left. */
  take(address: string): Slot | undefined {
    const count = this.open.get(address) ?? 0;
    if (count >= this.max) return undefined;
    this.open.set(address, count + 1);
    let held = true;
    return {
      release: () => {
        if (!held) return;
        held = false;
        const left = (this.open.get(address) ?? 1) - 1;
        if (left === 0) this.open.delete(address);
        else this.open.set(address, left);
      },
    };
  }
}
