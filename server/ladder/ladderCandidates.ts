import type { AgentCatalog } from '../agents/runtime/policyAgentDriver.ts';
import type { PrismaClient } from '../db/generated/client.ts';
import type { LadderCandidate } from './ladderPairing.ts';

/** mu − 3σ of a fresh rating (mu 25, σ 25/3). */
const UNRATED_ORDINAL = 0;

/** Every agent in the catalog, with its rating from the database (unrated agents at 0 races). */
export function ladderCandidatesFrom(prisma: PrismaClient, catalog: AgentCatalog): () => Promise<LadderCandidate[]> {
  return async () => {
    const ids = catalog.ids();
    if (ids.length === 0) return [];
    const ratings = await prisma.rating.findMany({
      where: { subjectKind: 'agent', subjectId: { in: ids } },
      select: { subjectId: true, ordinal: true, races: true },
    });
    const byId = new Map(ratings.map((r) => [r.subjectId, r]));
    return ids.map((agentId) => ({
      agentId,
      ordinal: byId.get(agentId)?.ordinal ?? UNRATED_ORDINAL,
      races: byId.get(agentId)?.races ?? 0,
    }));
  };
}
