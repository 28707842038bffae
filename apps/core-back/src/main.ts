import express from "express";
import { checkLocalRequest } from "./http/loopback.js";

const port = Number(process.env.PORT ?? 4000);
const app = express();

app.get("/health", (req, res) => {
  const local = checkLocalRequest(req.socket.remoteAddress, req.headers);
  res.json({ ok: true, service: "core-back", local: local.local });
});

const server = app.listen(port, "127.0.0.1", () => {
  console.log(`core-back listening on http://127.0.0.1:${port} (GET /health)`);
});

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
