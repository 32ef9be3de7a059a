/** The `pay-link` help text: printed by `pay-link --help` and after every usage error. */
export const USAGE = `Usage:
  pay-link serve
  pay-link intent --amount 2500.00 --currency INR --reference INV-2026-001 --description "Invoice INV-2026-001"
                  [--expires-in 7d] [--name "Asha Rao"] [--email asha@example.com] [--contact +919800000000] [--json]
                  [--item "Tea tasting for 12:1:12500.00" …]   (name:quantity:unit price; without --amount they add up to it)
  pay-link invoice-email --reference INV-2026-001 (--amount 2500.00 | --line "Consulting, May=2000.00" --line "Travel=500.00" …)
                  [--currency INR] [--description "…"] [--merchant "Leaf & Kettle"] [--name …] [--email …] [--contact …]
                  [--expires-in 30d] [--due 2026-06-30] [--locale en-IN] [--time-zone Asia/Kolkata]
                  [--out invoice.html|invoice.txt|invoice.eml] [--from "Leaf & Kettle <billing@example.com>"]
  pay-link links list [--status paid] [--provider razorpay] [--from 2026-05-01T00:00:00Z] [--to …] [--limit 50] [--cursor …] [--json]
  pay-link links cancel <link id> [--json]
  pay-link links extend <link id> --expires-in 7d [--json]
  pay-link links notify <link id> --channel email|sms [--json]
  pay-link webhook-secret        print a new whsec_… secret for a merchant webhook endpoint
  pay-link events list [--link pl_…] [--type payment_link.paid] [--state pending|delivered|failed] [--limit 50] [--cursor …] [--json]
  pay-link events show <event id> [--json]
  pay-link events resend <event id> [--endpoint <endpoint id|url>] [--json]
  pay-link webhooks list [--json]
  pay-link webhooks test [--endpoint <endpoint id|url>] [--json]   (exit 1 when an endpoint does not answer 2xx)
  pay-link webhooks enable <endpoint id> [--json]
  pay-link doctor [--json]       (exit 0: every provider ok; 1: one is not; 78: the configuration is not valid)

Environment: PAY_LINK_INTENT_SECRET (signs), PAY_LINK_PUBLIC_URL (where the pay page is served);
for "links", "events" and "webhooks": PAY_LINK_ADMIN_TOKEN, and PAY_LINK_ADMIN_URL where the proxy is
(default PAY_LINK_PUBLIC_URL, then http://localhost:4000).
`;
