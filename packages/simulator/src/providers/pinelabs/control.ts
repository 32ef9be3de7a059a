/**
 * Test controls for the Pine Labs simulator, in-process (`PinelabsControl`) and over HTTP under
 * `/_control/pinelabs`. Not part of Pine Labs' API.
 */
import type { Router } from 'express';
import { z } from 'zod';
import { createLinkControlRouter } from '../../link-control.ts';
import type { PinelabsLinkBook } from './links.ts';
import type { PinelabsWebhookEmitter, PinelabsWebhookSettings } from './webhook-events.ts';
import type { PinelabsOrder, PinelabsPaymentLink } from './wire.ts';
import { applyWebhookChanges, forcedStatusRequest, WebhookSettingsRequest } from '../../webhooks.ts';

export const PinelabsForcedStatus = z.enum(['CLICKED', 'PAYMENT_INITIATED', 'PARTIAL_PROCESSED', 'PROCESSED', 'EXPIRED', 'CANCELLED']);
export type PinelabsForcedStatus = z.infer<typeof PinelabsForcedStatus>;

const PayRequest = z.strictObject({ amount: z.int().positive().optional() });
const StatusRequest = forcedStatusRequest(PinelabsForcedStatus);

export interface PinelabsControl {
  /** Every link, expiry applied, oldest first. */
  links(): PinelabsPaymentLink[];
  /** The order behind a link. */
  order(orderId: string): PinelabsOrder;
  /** Same as the page's Pay button (`amount` below what is due needs `part_payment`); awaits the webhook. */
  pay(id: string, amount?: number): Promise<PinelabsPaymentLink>;
  /**
   * Forces a status. PROCESSED/PARTIAL_PROCESSED record a payment even on an expired or cancelled link (a payment
   * landing after expiry); `webhook: false` changes the state silently. EXPIRED, CLICKED and PAYMENT_INITIATED
   * send nothing, as Pine Labs has no event for them.
   */
  setStatus(id: string, status: PinelabsForcedStatus, options?: { webhook?: boolean }): Promise<PinelabsPaymentLink>;
  /** Tokens issued by the token endpoint so far. */
  tokensIssued(): number;
  /** Changes webhook delivery; `url: null` stops sending. Returns the settings now in force. */
  configureWebhooks(changes: Partial<Omit<PinelabsWebhookSettings, 'url'>> & { url?: string | null }): PinelabsWebhookSettings;
}

export function createPinelabsControl(deps: {
  book: PinelabsLinkBook;
  webhooks: PinelabsWebhookEmitter;
  settings: PinelabsWebhookSettings;
  tokensIssued(): number;
  settle(): void;
}): PinelabsControl {
  return {
    links() {
      deps.settle();
      return deps.book.all();
    },
    order: (orderId) => deps.book.getOrder(orderId),
    async pay(id, amount) {
      deps.settle();
      const change = deps.book.pay(id, amount);
      await deps.webhooks.emit(change);
      return change.link;
    },
    async setStatus(id, status, options = {}) {
      deps.settle();
      const webhook = options.webhook ?? true;
      switch (status) {
        case 'PROCESSED':
        case 'PARTIAL_PROCESSED':
        case 'CANCELLED': {
          const change = status === 'CANCELLED' ? deps.book.forceCancel(id) : deps.book.forcePayment(id, status === 'PARTIAL_PROCESSED');
          if (webhook) await deps.webhooks.emit(change);
          return change.link;
        }
        case 'EXPIRED':
          return deps.book.forceExpire(id);
        case 'CLICKED':
        case 'PAYMENT_INITIATED':
          return deps.book.forceStatus(id, status);
        default: {
          const unreachable: never = status;
          throw new Error(`unknown status ${String(unreachable)}`);
        }
      }
    },
    tokensIssued: () => deps.tokensIssued(),
    configureWebhooks(changes) {
      return applyWebhookChanges(deps.settings, changes);
    },
  };
}

export function createPinelabsControlRouter(control: PinelabsControl): Router {
  return createLinkControlRouter(control, {
    pay: (id, body) => control.pay(id, PayRequest.parse(body).amount),
    statusRequest: StatusRequest,
    webhooksRequest: WebhookSettingsRequest,
  });
}
