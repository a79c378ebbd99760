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
