// A task step's code: a function that gets the step's input, options and context.
export default function totals({ input, args, context }) {
  const total = input.reduce((sum, order) => sum + order.amount, 0);
  context.log.info(`summed ${input.length} orders`);
  return { orders: input.length, total, currency: args.currency };
}
