// Idle connections: open `count` room sockets (spread over rooms of up to 250 members) and,
// for the app, `count` realtime sockets (several per user, like tabs and devices), then read
// the RSS of the workerd processes before, after each batch and after an idle wait in which
// the rooms may hibernate. Reports the growth per socket.
import { openSocket, closeAll, countClosed } from "../lib/sockets.mjs";
import { mapLimit } from "../lib/targets.mjs";
import { round } from "../lib/stats.mjs";
import { sleep, workerdTotals } from "../lib/server.mjs";

function mem(server) {
  const t = workerdTotals(server);
  return { totalKiB: t.rssKiB, runtimeKiB: t.runtimeRssKiB, proxyKiB: t.proxyRssKiB };
}

function perSocket(before, after, n) {
  if (before.totalKiB === null || after.totalKiB === null) return null;
  return {
    totalKiB: round((after.totalKiB - before.totalKiB) / n, 1),
    runtimeKiB: round((after.runtimeKiB - before.runtimeKiB) / n, 1),
    proxyKiB: round((after.proxyKiB - before.proxyKiB) / n, 1),
  };
}

export async function runIdle(target, { count, users, server, log, settleMs = 5000, idleMs = 15_000, realtime = true }) {
  const roomSize = Math.min(250, users.length);
  const rooms = Math.ceil(count / roomSize);
  const roomIds = [];
  for (let r = 0; r < rooms; r++) roomIds.push(await target.createRoom(users.slice(0, roomSize), `bench idle ${r}`));
  let frames = 0;
  const onFrame = () => {
    frames++;
  };

  await sleep(1000);
  const before = mem(server);
  const t0 = performance.now();
  const roomSockets = await mapLimit(
    Array.from({ length: count }, (_, i) => i),
    16,
    async (i) => openSocket(await target.roomSocketUrl(users[i % roomSize], roomIds[Math.floor(i / roomSize)]), onFrame),
  );
  const roomOpenMs = performance.now() - t0;
  await sleep(settleMs);
  const afterRooms = mem(server);

  let realtimeSockets = [];
  let afterRealtime = null;
  let realtimeOpenMs = null;
  if (realtime && target.realtimeSocketUrl) {
    const t1 = performance.now();
    realtimeSockets = await mapLimit(
      Array.from({ length: count }, (_, i) => i),
      16,
      async (i) => openSocket(await target.realtimeSocketUrl(users[i % users.length]), onFrame),
    );
    realtimeOpenMs = performance.now() - t1;
    await sleep(settleMs);
    afterRealtime = mem(server);
  }
  await sleep(idleMs);
  const afterIdle = mem(server);
  const closedEarly = countClosed(roomSockets) + countClosed(realtimeSockets);
  closeAll(roomSockets);
  closeAll(realtimeSockets);

  const result = {
    target: target.kind,
    roomSockets: count,
    rooms,
    realtimeSockets: realtimeSockets.length,
    rssKiB: { before, afterRooms, afterRealtime, afterIdle },
    perRoomSocketKiB: perSocket(before, afterRooms, count),
    perRealtimeSocketKiB: afterRealtime ? perSocket(afterRooms, afterRealtime, count) : null,
    perSocketAfterIdleKiB: perSocket(before, afterIdle, count + realtimeSockets.length),
    openMs: { room: round(roomOpenMs, 0), realtime: round(realtimeOpenMs, 0) },
    framesWhileIdle: frames,
    socketsClosedEarly: closedEarly,
  };
  log?.(
    `  ${target.kind.padEnd(5)} idle: ${count} room sockets +${result.perRoomSocketKiB?.totalKiB} KiB each` +
      (afterRealtime ? `, ${count} realtime sockets +${result.perRealtimeSocketKiB?.totalKiB} KiB each` : "") +
      `, closed early ${closedEarly}`,
  );
  return result;
}
