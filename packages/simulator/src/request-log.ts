import type { RequestHandler } from 'express';

/** One line per request once the response is sent: method, path, status, duration. Never headers or bodies. */
export function logRequests(write: (line: string) => void = (line) => console.log(line)): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    res.on('finish', () => {
      const path = req.originalUrl.split('?')[0];
      write(`[simulator] ${req.method} ${path} ${res.statusCode} ${Math.round(performance.now() - started)}ms`);
    });
    next();
  };
}
