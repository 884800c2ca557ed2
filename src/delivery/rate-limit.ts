/** Spaces sends of one account to at most `perSecond` (no limit when undefined). */
export function createAccountRateLimiter(perSecond: number | undefined) {
  const nextSlot = new Map<string, number>();
  return {
    async wait(account: string): Promise<void> {
      if (!perSecond) return;
      const now = Date.now();
      const at = Math.max(now, nextSlot.get(account) ?? 0);
      nextSlot.set(account, at + 1000 / perSecond);
      if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
    },
  };
}
