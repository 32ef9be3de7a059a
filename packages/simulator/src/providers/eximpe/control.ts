/**
 * Test controls for the EximPe simulator, in-process (`EximPeControl`) and over HTTP under `/_control/eximpe`.
 * Not part of EximPe's API.
 */
import type { Router } from 'express';
import { z } from 'zod';
import { createLinkControlRouter } from '../../link-control.ts';
import type { EximPeLinkBook } from './links.ts';
import type { EximPeWebhookEmitter, EximPeWebhookSettings } from './webhook-events.ts';
import type { EximPePaymentLink } from './wire.ts';
import { applyWebhookChanges, forcedStatusRequest, WebhookSettingsRequest } from '../../webhooks.ts';

export const EximPeForcedStatus = z.enum(['paid', 'expired', 'cancelled']);
export type EximPeForcedStatus = z.infer<typeof EximPeForcedStatus>;

const StatusRequest = forcedStatusRequest(EximPeForcedStatus);

export interface EximPeControl {
  /** Every link, expiry applied, oldest first. */
  links(): EximPePaymentLink[];
  /** Same as the page's Pay button: captures a payment and awaits the PAYMENT_SUCCESSFUL webhook. */
  pay(id: string): Promise<EximPePaymentLink>;
  /** Same as "Fail this attempt": the link stays payable; awaits the PAYMENT_FAILED webhook. */
  fail(id: string): Promise<EximPePaymentLink>;
  /**
   * Forces a state. `paid` captures a payment even on an expired or deactivated link (a payment landing after
   * expiry) and sends PAYMENT_SUCCESSFUL unless `webhook: false`; `expired` and `cancelled` (INACTIVE) send
   * nothing, as EximPe has no link-level events.
   */
  setStatus(id: string, status: EximPeForcedStatus, options?: { webhook?: boolean }): Promise<EximPePaymentLink>;
  /** Changes webhook delivery; `url: null` stops sending. Returns the settings now in force. */
  configureWebhooks(changes: Partial<Omit<EximPeWebhookSettings, 'url'>> & { url?: string | null }): EximPeWebhookSettings;
}

export function createEximPeControl(deps: {
  book: EximPeLinkBook;
  webhooks: EximPeWebhookEmitter;
  settings: EximPeWebhookSettings;
  settle(): void;
}): EximPeControl {
  return {
    links() {
      deps.settle();
      return deps.book.all();
    },
    async pay(id) {
      deps.settle();
      const { link, payment } = deps.book.pay(id);
      await deps.webhooks.emit(payment);
      return link;
    },
    async fail(id) {
      deps.settle();
      const { link, payment } = deps.book.fail(id);
      await deps.webhooks.emit(payment);
      return link;
    },
    async setStatus(id, status, options = {}) {
      deps.settle();
      switch (status) {
        case 'paid': {
          const { link, payment } = deps.book.forcePay(id);
          if (options.webhook ?? true) await deps.webhooks.emit(payment);
          return link;
        }
        case 'expired':
          return deps.book.forceStatus(id, 'EXPIRED');
        case 'cancelled':
          return deps.book.forceStatus(id, 'INACTIVE');
        default: {
          const unreachable: never = status;
          throw new Error(`unknown status ${String(unreachable)}`);
        }
      }
    },
    configureWebhooks(changes) {
      return applyWebhookChanges(deps.settings, changes);
    },
  };
}

export function createEximPeControlRouter(control: EximPeControl): Router {
  return createLinkControlRouter(
    control,
    { pay: (id) => control.pay(id), statusRequest: StatusRequest, webhooksRequest: WebhookSettingsRequest },
    (router) => {
      router.post('/links/:id/fail', async (req, res) => {
        res.json(await control.fail(req.params.id));
      });
    },
  );
}
