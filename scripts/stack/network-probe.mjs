// Probes for the stack: is a TCP port taken, who holds it, and protocol-level pings.
import http from 'node:http';
import net from 'node:net';
import { findExecutable, runCommand } from './process-control.mjs';

/** True when something accepts TCP connections on host:port. */
export function isPortAccepting(host, port, timeoutMilliseconds = 1_000) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const finish = (accepted) => {
      socket.destroy();
      resolve(accepted);
    };
    socket.setTimeout(timeoutMilliseconds, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

/** Best effort: the process listening on a TCP port, as `ss` reports it ("users:(("nginx",pid=1,fd=6))"). */
export async function describeListener(port) {
  if (!findExecutable('ss')) return undefined;
  const result = await runCommand('ss', ['-ltnpH', `sport = :${port}`]);
  const match = /users:\(\((.*?)\)\)/.exec(result.stdout);
  return match ? match[1] : undefined;
}

/**
 * Sends one command to Redis with the RESP protocol and returns the reply as a string (simple
 * string, integer or bulk string). Redis error replies are thrown.
 */
export function redisCommand(host, port, commandArguments, timeoutMilliseconds = 2_000) {
  const request =
    `*${commandArguments.length}\r\n` +
    commandArguments.map((argument) => `$${Buffer.byteLength(argument)}\r\n${argument}\r\n`).join('');
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    let buffer = Buffer.alloc(0);
    const fail = (error) => {
      socket.destroy();
      reject(error);
    };
    socket.setTimeout(timeoutMilliseconds, () =>
      fail(new Error(`no reply within ${timeoutMilliseconds} ms`)),
    );
    socket.once('error', fail);
    socket.once('connect', () => socket.write(request));
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      const lineEnd = buffer.indexOf('\r\n');
      if (lineEnd < 0) return;
      const kind = String.fromCharCode(buffer[0]);
      const line = buffer.subarray(1, lineEnd).toString();
      if (kind === '-') return fail(new Error(line));
      if (kind === '+' || kind === ':') {
        socket.destroy();
        return resolve(line);
      }
      if (kind === '$') {
        const length = Number(line);
        if (length < 0) {
          socket.destroy();
          return resolve('');
        }
        // bytes: header line + payload + trailing CRLF
        if (buffer.length < lineEnd + 2 + length + 2) return;
        socket.destroy();
        return resolve(buffer.subarray(lineEnd + 2, lineEnd + 2 + length).toString());
      }
      return fail(new Error(`unexpected reply from Redis: ${buffer.toString().slice(0, 80)}`));
    });
  });
}

/** GET on a URL; resolves with status, headers and body (small responses only). */
export function httpGet(url, timeoutMilliseconds = 2_000) {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { timeout: timeoutMilliseconds }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
      );
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`no response within ${timeoutMilliseconds} ms`)));
    request.on('error', reject);
  });
}
