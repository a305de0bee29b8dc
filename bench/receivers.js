// Receivers in a process of their own (spawned by bench/alarm.js with an IPC channel), for the
// scale-out scenario: one process may hold 20,000 open files here, so the receivers on instance A
// live here while those on instance B, whose latency is measured, stay in the benchmark process.
// They behave like the web client: a receipt for each alarm, a pong to each ping. Deliveries are
// counted per alarm (not timed: the benchmark's clock is in the other process).
import { WebSocket } from 'ws';
import { closeWs } from './ws.js';

const sockets = [];
/** alarm id → receivers that got it (each once). */
const delivered = new Map();

function connect(url, token, idx) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: { cookie: `wachsam_session=${token}` }, perMessageDeflate: false });
    const timer = setTimeout(() => (ws.terminate(), reject(new Error('connect timeout'))), 60_000);
    ws.on('message', (data) => {
      const s = data.toString();
      if (s.startsWith('{"kind":"event","forYou":true')) {
        if (!s.includes('"type":"alarm.raised"')) return;
        const i = s.indexOf('"alarm":{"id":"');
        const id = s.slice(i + 15, i + 51);
        let got = delivered.get(id);
        if (!got) delivered.set(id, (got = new Set()));
        if (got.has(idx)) return;
        got.add(idx);
        ws.send(`{"kind":"receipt","alarmId":"${id}"}`);
      } else if (s.startsWith('{"kind":"ping"')) {
        ws.send(`{"kind":"pong","at":${JSON.parse(s).at}}`);
      } else if (s.startsWith('{"kind":"replayed"')) {
        clearTimeout(timer);
        resolve(ws);
      }
    });
    ws.once('error', (err) => (clearTimeout(timer), reject(err)));
    ws.once(
      'unexpected-response',
      (_req, res) => (clearTimeout(timer), reject(new Error(`upgrade refused: ${res.statusCode}`))),
    );
  });
}

const commands = {
  /** Connect one receiver per token, 100 at a time. */
  async connect({ url, tokens }) {
    let next = 0;
    await Promise.all(
      Array.from({ length: 100 }, async () => {
        while (next < tokens.length) {
          const i = next++;
          sockets.push(await connect(url, tokens[i], i));
        }
      }),
    );
    return { connected: sockets.length };
  },
  /** How many receivers got each of these alarms. */
  delivered({ ids }) {
    return ids.map((id) => delivered.get(id)?.size ?? 0);
  },
  async close() {
    await closeWs(sockets);
    setTimeout(() => process.exit(0), 50);
    return { ok: true };
  },
};

process.on('message', async ({ id, cmd, args }) => {
  try {
    process.send({ id, ok: true, result: await commands[cmd](args ?? {}) });
  } catch (err) {
    process.send({ id, ok: false, error: String(err?.stack ?? err) });
  }
});
process.on('disconnect', () => process.exit(0));
process.send({ ready: true });
