const df = require('durable-functions');

// Four no-op steps: the benchmark measures the engine, not the work.
for (const step of ['reserveInventory', 'chargePayment', 'sendNotification', 'syncAnalytics']) {
  df.app.activity(step, { handler: (order) => ({ step, orderId: order.orderId }) });
}

df.app.orchestration('benchSaga', function* (context) {
  const order = context.df.getInput();
  const results = [];
  for (const step of ['reserveInventory', 'chargePayment', 'sendNotification', 'syncAnalytics']) {
    results.push(yield context.df.callActivity(step, order));
  }
  return results.length;
});

// Replay cost: one long chain, so each episode replays a longer history.
df.app.orchestration('longSequence', function* (context) {
  const n = Number(context.df.getInput());
  for (let i = 0; i < n; i++) yield context.df.callActivity('reserveInventory', { orderId: `step-${i}` });
  return n;
});
