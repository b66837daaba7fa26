// Verifies one received delivery with the reference Standard Webhooks library (npm "standardwebhooks").
// Input on stdin: {"secret": "...", "headers": {...}, "body": "..."}. Exit 0 when it verifies, 1 when not.
import { createRequire } from "node:module";
const require = createRequire(process.env.STANDARDWEBHOOKS_DIR + "/");
const { Webhook } = require("standardwebhooks");
let input = "";
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const { secret, headers, body } = JSON.parse(input);
  try {
    new Webhook(secret).verify(body, headers);
    console.log("verified");
  } catch (e) {
    console.log("refused: " + e.message);
    process.exit(1);
  }
});
