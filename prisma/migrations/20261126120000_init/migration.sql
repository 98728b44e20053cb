-- CreateTable
CREATE TABLE "User" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Session" (
    "tokenHash" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Session_pkey" PRIMARY KEY ("tokenHash")
);

-- CreateTable
CREATE TABLE "Agent" (
    "id" TEXT NOT NULL,
    "ownerId" TEXT,
    "name" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "format" TEXT NOT NULL,
    "architecture" TEXT,
    "manifest" JSONB NOT NULL,
    "modelSha256" TEXT NOT NULL,
    "report" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'ready',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Agent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AgentFile" (
    "sha256" TEXT NOT NULL,
    "bytes" BYTEA NOT NULL,
    "size" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AgentFile_pkey" PRIMARY KEY ("sha256")
);

-- CreateTable
CREATE TABLE "AgentFileLink" (
    "agentId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,

    CONSTRAINT "AgentFileLink_pkey" PRIMARY KEY ("agentId","name")
);

-- CreateTable
CREATE TABLE "Race" (
    "id" TEXT NOT NULL,
    "seed" BIGINT NOT NULL,
    "config" JSONB NOT NULL,
    "status" TEXT NOT NULL,
    "rated" BOOLEAN NOT NULL,
    "unratedReason" TEXT,
    "ladder" BOOLEAN NOT NULL DEFAULT false,
    "ticks" INTEGER NOT NULL,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Race_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RaceEntry" (
    "raceId" TEXT NOT NULL,
    "carIndex" INTEGER NOT NULL,
    "driverKind" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "agentId" TEXT,
    "userId" TEXT,
    "position" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "dnfReason" TEXT,
    "lapTicks" INTEGER[],
    "bestLapTicks" INTEGER,
    "totalReward" DOUBLE PRECISION NOT NULL,
    "endTick" INTEGER,

    CONSTRAINT "RaceEntry_pkey" PRIMARY KEY ("raceId","carIndex")
);

-- CreateTable
CREATE TABLE "Rating" (
    "subjectKind" TEXT NOT NULL,
    "subjectId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "mu" DOUBLE PRECISION NOT NULL,
    "sigma" DOUBLE PRECISION NOT NULL,
    "ordinal" DOUBLE PRECISION NOT NULL,
    "races" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Rating_pkey" PRIMARY KEY ("subjectKind","subjectId")
);

-- CreateTable
CREATE TABLE "RatingHistory" (
    "id" BIGSERIAL NOT NULL,
    "subjectKind" TEXT NOT NULL,
    "subjectId" TEXT NOT NULL,
    "raceId" TEXT NOT NULL,
    "mu" DOUBLE PRECISION NOT NULL,
    "sigma" DOUBLE PRECISION NOT NULL,
    "ordinal" DOUBLE PRECISION NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RatingHistory_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Replay" (
    "raceId" TEXT NOT NULL,
    "formatVersion" INTEGER NOT NULL,
    "seed" BIGINT NOT NULL,
    "config" JSONB NOT NULL,
    "actionLog" BYTEA NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Replay_pkey" PRIMARY KEY ("raceId")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_name_key" ON "User"("name");

-- CreateIndex
CREATE INDEX "Session_userId_idx" ON "Session"("userId");

-- CreateIndex
CREATE INDEX "Agent_ownerId_idx" ON "Agent"("ownerId");

-- CreateIndex
CREATE INDEX "Agent_status_createdAt_idx" ON "Agent"("status", "createdAt");

-- CreateIndex
CREATE INDEX "AgentFileLink_sha256_idx" ON "AgentFileLink"("sha256");

-- CreateIndex
CREATE INDEX "Race_finishedAt_idx" ON "Race"("finishedAt");

-- CreateIndex
CREATE INDEX "RaceEntry_agentId_idx" ON "RaceEntry"("agentId");

-- CreateIndex
CREATE INDEX "RaceEntry_userId_idx" ON "RaceEntry"("userId");

-- CreateIndex
CREATE INDEX "Rating_ordinal_idx" ON "Rating"("ordinal");

-- CreateIndex
CREATE INDEX "Rating_subjectKind_ordinal_idx" ON "Rating"("subjectKind", "ordinal");

-- CreateIndex
CREATE INDEX "RatingHistory_raceId_idx" ON "RatingHistory"("raceId");

-- CreateIndex
CREATE UNIQUE INDEX "RatingHistory_subjectKind_subjectId_raceId_key" ON "RatingHistory"("subjectKind", "subjectId", "raceId");

-- AddForeignKey
ALTER TABLE "Session" ADD CONSTRAINT "Session_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Agent" ADD CONSTRAINT "Agent_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AgentFileLink" ADD CONSTRAINT "AgentFileLink_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "Agent"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AgentFileLink" ADD CONSTRAINT "AgentFileLink_sha256_fkey" FOREIGN KEY ("sha256") REFERENCES "AgentFile"("sha256") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RaceEntry" ADD CONSTRAINT "RaceEntry_raceId_fkey" FOREIGN KEY ("raceId") REFERENCES "Race"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RaceEntry" ADD CONSTRAINT "RaceEntry_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "Agent"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RatingHistory" ADD CONSTRAINT "RatingHistory_subjectKind_subjectId_fkey" FOREIGN KEY ("subjectKind", "subjectId") REFERENCES "Rating"("subjectKind", "subjectId") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RatingHistory" ADD CONSTRAINT "RatingHistory_raceId_fkey" FOREIGN KEY ("raceId") REFERENCES "Race"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Replay" ADD CONSTRAINT "Replay_raceId_fkey" FOREIGN KEY ("raceId") REFERENCES "Race"("id") ON DELETE CASCADE ON UPDATE CASCADE;
