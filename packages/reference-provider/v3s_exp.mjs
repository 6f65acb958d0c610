import { readFileSync, writeFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
const { PGlite } = await import("@electric-sql/pglite");
const mode = process.argv[2];
const src = "../../node_modules/.cache/payment-session/pglite-image-d8b74235bf9f33fc.tar.gz";
if (mode === "make") {
  writeFileSync("/tmp/v3s_plain.tar", gunzipSync(readFileSync(src)));
  const pg = await PGlite.create({ loadDataDir: new Blob([readFileSync(src)]) });
  console.log((await pg.query("select datname, oid from pg_database")).rows);
  console.log((await pg.query("select current_database()")).rows);
  await pg.query("UPDATE pg_database SET datistemplate = false WHERE datname IN ('template0','template1')");
  for (const d of ["template0", "template1"]) { try { await pg.query(`DROP DATABASE ${d}`); } catch (e) { console.log(d, e.message); } }
  await pg.query("CHECKPOINT");
  const t = Buffer.from(await (await pg.dumpDataDir("none")).arrayBuffer());
  writeFileSync("/tmp/v3s_small.tar", t);
  const tz = Buffer.from(await (await pg.dumpDataDir("gzip")).arrayBuffer());
  writeFileSync("/tmp/v3s_small.tar.gz", tz);
  console.log(t.length, tz.length);
  await pg.close();
  process.exit(0);
}
const file = { gz: src, plain: "/tmp/v3s_plain.tar", small: "/tmp/v3s_small.tar", smallgz: "/tmp/v3s_small.tar.gz" }[mode];
const c0 = process.cpuUsage(); const t0 = performance.now();
const pg = await PGlite.create({ loadDataDir: new Blob([readFileSync(file)]) });
await pg.query("select count(*) from payment_sessions");
const c = process.cpuUsage(c0);
console.log(mode, (performance.now()-t0).toFixed(0), "ms wall", ((c.user+c.system)/1000).toFixed(0), "ms cpu");
await pg.close();
