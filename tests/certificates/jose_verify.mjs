// Independent check of a VC-JWT with the npm package `jose` (pinned in package.json).
// Usage: node jose_verify.mjs <jwks.json> <token file> <issuer>; prints the verified payload or the error code.
import { readFileSync } from "node:fs";
import { createLocalJWKSet, jwtVerify } from "jose";

const [jwksPath, tokenPath, issuer] = process.argv.slice(2);
const jwks = createLocalJWKSet(JSON.parse(readFileSync(jwksPath, "utf8")));
try {
  const { payload, protectedHeader } = await jwtVerify(readFileSync(tokenPath, "utf8").trim(), jwks, {
    algorithms: ["ES256"],
    issuer,
  });
  console.log(JSON.stringify({ ok: true, header: protectedHeader, payload }));
} catch (error) {
  console.log(JSON.stringify({ ok: false, code: error.code || String(error) }));
}
