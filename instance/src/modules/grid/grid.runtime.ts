/**
 * What the running grid (the instance's libp2p node and its dispatcher, grid.p2p.ts) offers the rest of
 * the instance. `deps.grid` is null when GRID_LISTEN is unset: enrolment then answers `grid.disabled`,
 * and AI drafts wait in their queue (the syndic may take the template).
 */
export interface GridRuntime {
  /** The instance's grid peer id (persistent key in the data directory). */
  readonly peerId: string;
  /** The address enrolled nodes dial, ending with `/p2p/<peerId>`. */
  bootstrapAddr(): string;
  /** Closes every connection of a revoked node (the gater refuses it afterwards). */
  hangUp(peerId: string): Promise<void>;
  /** Nudges the dispatcher (a job was queued, a node became idle). */
  wake(): void;
  /** Aborts the attempt running for a draft (the syndic took over): the node stops, nothing is credited. */
  cancel(draftId: string): void;
  stop(): Promise<void>;
}
