/**
 * The text of the on-demand features (the QR handoff, the amount input), in the seven languages the element speaks.
 * Not in `translations/*.ts`: those reach the core bundles, and these are only ever needed by the chunks that load
 * on demand. Three tables, so each chunk bundles only its own: `extras.js` the action's label, `qr-dialog.js` the
 * dialog's text, `amount-input.js` the field's.
 */

/** The secondary action "Pay on your phone", also the dialog's title. */
export const QR_ACTION: Record<string, string> = {
  en: 'Pay on your phone',
  hi: 'फ़ोन पर भुगतान करें',
  id: 'Bayar di ponsel',
  es: 'Pagar en el móvil',
  ms: 'Bayar di telefon',
  th: 'ชำระเงินบนโทรศัพท์',
  vi: 'Thanh toán trên điện thoại',
};

export interface QrStrings {
  qrHint: string;
  qrAlt: string;
  /** The QR could not be read (the link closed meanwhile, the network). */
  qrUnavailable: string;
  close: string;
}

export const QR_STRINGS: Record<string, QrStrings> = {
  en: {
    qrHint: "Scan this code with your phone's camera or a UPI app. This page shows the payment as soon as it is done.",
    qrAlt: 'QR code of the checkout link',
    qrUnavailable: 'The code could not be loaded. Pay on this device instead.',
    close: 'Close',
  },
  hi: {
    qrHint: 'इस कोड को अपने फ़ोन के कैमरे या किसी UPI ऐप से स्कैन करें। भुगतान पूरा होते ही यह पेज उसे दिखाएगा।',
    qrAlt: 'चेकआउट लिंक का QR कोड',
    qrUnavailable: 'कोड लोड नहीं हो सका। इसके बजाय इसी डिवाइस पर भुगतान करें।',
    close: 'बंद करें',
  },
  id: {
    qrHint: 'Pindai kode ini dengan kamera ponsel atau aplikasi pembayaran. Halaman ini menampilkan pembayaran begitu selesai.',
    qrAlt: 'Kode QR tautan pembayaran',
    qrUnavailable: 'Kode tidak dapat dimuat. Bayar di perangkat ini saja.',
    close: 'Tutup',
  },
  es: {
    qrHint: 'Escanea este código con la cámara del móvil o una app de pagos. Esta página mostrará el pago en cuanto se complete.',
    qrAlt: 'Código QR del enlace de pago',
    qrUnavailable: 'No se pudo cargar el código. Paga en este dispositivo.',
    close: 'Cerrar',
  },
  ms: {
    qrHint: 'Imbas kod ini dengan kamera telefon atau aplikasi pembayaran. Halaman ini menunjukkan pembayaran sebaik sahaja selesai.',
    qrAlt: 'Kod QR pautan pembayaran',
    qrUnavailable: 'Kod tidak dapat dimuatkan. Bayar pada peranti ini sahaja.',
    close: 'Tutup',
  },
  th: {
    qrHint: 'สแกนรหัสนี้ด้วยกล้องโทรศัพท์หรือแอปชำระเงิน หน้านี้จะแสดงการชำระเงินทันทีที่เสร็จสิ้น',
    qrAlt: 'คิวอาร์โค้ดของลิงก์ชำระเงิน',
    qrUnavailable: 'โหลดรหัสไม่ได้ โปรดชำระเงินบนอุปกรณ์นี้แทน',
    close: 'ปิด',
  },
  vi: {
    qrHint: 'Quét mã này bằng camera điện thoại hoặc ứng dụng thanh toán. Trang này sẽ hiển thị khoản thanh toán ngay khi hoàn tất.',
    qrAlt: 'Mã QR của liên kết thanh toán',
    qrUnavailable: 'Không tải được mã. Hãy thanh toán trên thiết bị này.',
    close: 'Đóng',
  },
};

export interface AmountStrings {
  /** The amount field's label; `symbol` is the currency's (₹, Rp, $). */
  amountLabel: (symbol: string) => string;
  /** Under the field: the range allowed. */
  amountRange: (min: string, max: string) => string;
  amountEmpty: string;
  /** Not a number in the currency's precision; `example` is one that is (50.00, 10000). */
  amountFormat: (example: string) => string;
  amountOutOfRange: (min: string, max: string) => string;
}

export const AMOUNT_STRINGS: Record<string, AmountStrings> = {
  en: {
    amountLabel: (s) => `Amount (${s})`,
    amountRange: (min, max) => `Between ${min} and ${max}`,
    amountEmpty: 'Enter an amount.',
    amountFormat: (ex) => `Enter an amount like ${ex}.`,
    amountOutOfRange: (min, max) => `Enter an amount between ${min} and ${max}.`,
  },
  hi: {
    amountLabel: (s) => `राशि (${s})`,
    amountRange: (min, max) => `${min} से ${max} तक`,
    amountEmpty: 'राशि दर्ज करें।',
    amountFormat: (ex) => `${ex} जैसी राशि दर्ज करें।`,
    amountOutOfRange: (min, max) => `${min} और ${max} के बीच की राशि दर्ज करें।`,
  },
  id: {
    amountLabel: (s) => `Jumlah (${s})`,
    amountRange: (min, max) => `Antara ${min} dan ${max}`,
    amountEmpty: 'Masukkan jumlah.',
    amountFormat: (ex) => `Masukkan jumlah seperti ${ex}.`,
    amountOutOfRange: (min, max) => `Masukkan jumlah antara ${min} dan ${max}.`,
  },
  es: {
    amountLabel: (s) => `Importe (${s})`,
    amountRange: (min, max) => `Entre ${min} y ${max}`,
    amountEmpty: 'Introduce un importe.',
    amountFormat: (ex) => `Introduce un importe como ${ex}.`,
    amountOutOfRange: (min, max) => `Introduce un importe entre ${min} y ${max}.`,
  },
  ms: {
    amountLabel: (s) => `Jumlah (${s})`,
    amountRange: (min, max) => `Antara ${min} hingga ${max}`,
    amountEmpty: 'Masukkan jumlah.',
    amountFormat: (ex) => `Masukkan jumlah seperti ${ex}.`,
    amountOutOfRange: (min, max) => `Masukkan jumlah antara ${min} hingga ${max}.`,
  },
  th: {
    amountLabel: (s) => `จำนวนเงิน (${s})`,
    amountRange: (min, max) => `ระหว่าง ${min} ถึง ${max}`,
    amountEmpty: 'กรอกจำนวนเงิน',
    amountFormat: (ex) => `กรอกจำนวนเงิน เช่น ${ex}`,
    amountOutOfRange: (min, max) => `กรอกจำนวนเงินระหว่าง ${min} ถึง ${max}`,
  },
  vi: {
    amountLabel: (s) => `Số tiền (${s})`,
    amountRange: (min, max) => `Từ ${min} đến ${max}`,
    amountEmpty: 'Nhập số tiền.',
    amountFormat: (ex) => `Nhập số tiền, ví dụ ${ex}.`,
    amountOutOfRange: (min, max) => `Nhập số tiền từ ${min} đến ${max}.`,
  },
};

/** The entry of `table` for `lang`: exact, then its base language (`hi-IN` → `hi`), then English. */
export function pick<T>(table: Record<string, T>, lang: string): T {
  const code = lang.toLowerCase();
  return table[code] ?? table[code.split('-')[0]!] ?? table.en!;
}
