export { createSimulator, startSimulator } from './server.ts';
export type { RunningSimulator, Simulator, SimulatorControl, SimulatorOptions } from './server.ts';
export { DEMO_CREDENTIALS } from './demo-credentials.ts';
export type { CoreControl } from './control.ts';
export type { Fault } from './faults.ts';
export type { WebhookDelivery } from './webhooks.ts';
export type { RazorpayOptions } from './providers/razorpay.ts';
export type { RazorpayControl, RazorpayForcedStatus } from './providers/razorpay/control.ts';
export type { RazorpayWebhookSettings } from './providers/razorpay/webhook-events.ts';
export { signRazorpayPaymentLinkCallback, signRazorpayWebhook } from './providers/razorpay/signatures.ts';
export type {
  RazorpayErrorBody,
  RazorpayLinkPayment,
  RazorpayLinkStatus,
  RazorpayOrder,
  RazorpayPayment,
  RazorpayPaymentLink,
  RazorpayWebhookEvent,
  RazorpayWebhookEventName,
} from './providers/razorpay/wire.ts';
