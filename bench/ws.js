import { WebSocket } from 'ws';

/** Close every socket, waiting for each close (a socket that does not answer is cut after 10 s). */
export const closeWs = (list) =>
  Promise.all(
    list.map(
      (ws) =>
        new Promise((resolve) => {
          if (ws.readyState === WebSocket.CLOSED) return resolve();
          const t = setTimeout(() => (ws.terminate(), resolve()), 10_000);
          ws.once('close', () => (clearTimeout(t), resolve()));
          ws.close();
        }),
    ),
  );
