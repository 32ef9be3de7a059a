export { createSimulator, startSimulator } from './server.ts';
export type { RunningSimulator, Simulator, SimulatorControl, SimulatorOptions } from './server.ts';
export { DEMO_CREDENTIALS, proxyEnvForAllProviders, proxyEnvForSimulator } from './demo-credentials.ts';
export type { CoreControl } from './control.ts';
export type { Fault } from './faults.ts';
export type { WebhookDelivery } from './webhooks.ts';
export type { RazorpayOptions } from './providers/razorpay.ts';
export type { RazorpayControl, RazorpayForcedStatus } from './providers/razorpay/control.ts';
export type { RazorpayWebhookSettings } from './providers/razorpay/webhook-events.ts';
export type { PinelabsOptions } from './providers/pinelabs.ts';
export type { PinelabsControl, PinelabsForcedStatus } from './providers/pinelabs/control.ts';
export type { PinelabsWebhookSettings } from './providers/pinelabs/webhook-events.ts';
export { signPinelabsWebhook } from './providers/pinelabs/webhook-events.ts';
export type { PinelabsErrorBody, PinelabsLinkStatus, PinelabsOrder, PinelabsPaymentLink, PinelabsWebhookEvent } from './providers/pinelabs/wire.ts';
export type { PayEngineOptions } from './providers/payengine.ts';
export type { PayEngineControl, PayEngineForcedStatus } from './providers/payengine/control.ts';
export type { PayEngineWebhookSettings } from './providers/payengine/webhook-events.ts';
export { signPayEngineWebhook } from './providers/payengine/signatures.ts';
export type { PayEngineErrorBody, PayEngineLinkStatus, PayEnginePaymentLink, PayEngineTransaction, PayEngineWebhookEvent } from './providers/payengine/wire.ts';
export type { XenditOptions } from './providers/xendit.ts';
export type { XenditControl, XenditForcedStatus } from './providers/xendit/control.ts';
export type { XenditCallbackSettings } from './providers/xendit/callbacks.ts';
export type { XenditErrorBody, XenditInvoice, XenditInvoiceCallback, XenditInvoiceStatus } from './providers/xendit/wire.ts';
export type { EximPeOptions } from './providers/eximpe.ts';
export type { EximPeControl, EximPeForcedStatus } from './providers/eximpe/control.ts';
export type { EximPeWebhookSettings } from './providers/eximpe/webhook-events.ts';
export { signEximPeWebhook } from './providers/eximpe/signatures.ts';
export type { EximPeErrorBody, EximPeLinkStatus, EximPePaymentLink, EximPeWebhookEvent } from './providers/eximpe/wire.ts';
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
