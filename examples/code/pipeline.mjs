// Seed 002's pipeline builder: a.then(b) chains, all(a, b).then(c) waits for both.
//   npx octoflow run examples/code/pipeline.mjs --json
import { all, flow, step, task } from "octoflow";

const orders = task("orders", () => [
  { id: 1, customer: "ada", amount: 20 },
  { id: 2, customer: "grace", amount: 22.5 },
]);
const customers = task("customers", () => ({ ada: "Ada Lovelace", grace: "Grace Hopper" }));
const merge = task("merge", ({ input }) =>
  input.orders.map((order) => ({ ...order, name: input.customers[order.customer] })),
);
const announce = step("announce", "log", { message: "merged {{ merge | length }} orders" });

export default flow("pipeline", [all(orders, customers).then(merge).then(announce)]);
