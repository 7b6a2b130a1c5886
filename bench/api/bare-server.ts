// The ceiling of Node's HTTP here: Fastify answering a constant, in a process of its own like the API.
import Fastify from 'fastify';

const app = Fastify();
app.get('/constant', async () => ({ ok: true }));
const url = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`bare: ${url}\n`);
process.on('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
