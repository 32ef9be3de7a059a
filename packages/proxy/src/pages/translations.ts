/**
 * The pages' words in the seven languages of the widget (`packages/widget/src/translations/`), one typed object
 * per language: a key missing from one is a typecheck error, not an English word on a Thai page. Functions where
 * the words wrap a value (a name, an amount, a quantity). Amounts and dates are formatted by `Intl` in the same
 * language before they are put in; nothing here formats numbers itself.
 *
 * `status` is also sent to the browser inside `/pay.js`, which rewrites the status row with the same words.
 */
import type { LinkStatus } from '../contract.ts';
import type { PageLang } from './languages.ts';

export interface PageStrings {
  /** The status row, by link status (`none`: no link yet); `{paid}` is the amount received so far. */
  status: Record<LinkStatus | 'none', string>;
  eyebrow: { payment: string; buy: string; receipt: string };
  testMode: string;
  rows: {
    reference: string;
    amount: string;
    price: string;
    quantity: string;
    total: string;
    status: string;
    due: string;
    paidAt: string;
    receipt: string;
    items: string;
    provider: string;
    providerReference: string;
    customer: string;
    merchant: string;
  };
  /** "₹499.00 each". */
  each: (unit: string) => string;
  /** The pay page's `<title>`: with the merchant's name when there is one, else with the amount. */
  payTitle: (what: string, amount: string, merchant: string | undefined) => string;
  buyTitle: (what: string, amount: string) => string;
  /** Any page's title once it shows a paid payment. */
  paidTitle: (what: string, amount: string) => string;
  receiptTitle: (what: string, merchant: string | undefined) => string;
  receiptLink: string;
  print: string;
  fineInvoice: string;
  fineBuy: string;
  receiptFine: string;
  /** Before the support address, which follows as a link. */
  support: string;
  invalid: Message;
  expired: Message;
  productMissing: Message;
  quantity: { title: string; heading: string; text: (name: string, min: number, max: number) => string; buyOne: string };
  receiptMissing: Message;
  /** The store cannot answer right now (a 503 page). */
  receiptUnavailable: Message;
  notPaid: Message & { pay: string };
}

interface Message {
  title: string;
  heading: string;
  text: string;
}

const en: PageStrings = {
  status: {
    none: 'Not paid yet',
    pending: 'Waiting for payment',
    partially_paid: 'Partly paid: {paid} received',
    paid: 'Paid {paid}',
    expired: 'The last payment link expired; paying now creates a fresh one',
    cancelled: 'The last payment link was cancelled; paying now creates a fresh one',
    failed: 'The last attempt failed; you can try again',
  },
  eyebrow: { payment: 'Payment request', buy: 'Buy', receipt: 'Receipt' },
  testMode: 'test mode',
  rows: {
    reference: 'Reference',
    amount: 'Amount',
    price: 'Price',
    quantity: 'Quantity',
    total: 'Total',
    status: 'Status',
    due: 'Due',
    paidAt: 'Paid at',
    receipt: 'Receipt',
    items: 'Items',
    provider: 'Paid with',
    providerReference: 'Payment ref.',
    customer: 'Billed to',
    merchant: 'From',
  },
  each: (unit) => `${unit} each`,
  payTitle: (what, amount, merchant) => (merchant ? `Pay ${merchant} — ${what}` : `Pay ${what} — ${amount}`),
  buyTitle: (what, amount) => `Buy ${what} — ${amount}`,
  paidTitle: (what, amount) => `Paid: ${what} — ${amount}`,
  receiptTitle: (what, merchant) => `Receipt${merchant ? ` from ${merchant}` : ''} — ${what}`,
  receiptLink: 'View or print the receipt',
  print: 'Print or save as PDF',
  fineInvoice: "Payments are handled by the merchant's payment provider. This page never asks for card details itself.",
  fineBuy: "Payments are handled by the shop's payment provider. This page never asks for card details itself.",
  receiptFine: 'Keep this receipt for your records. The payment was taken by the payment provider named above.',
  support: 'Questions about this payment? Write to',
  invalid: {
    title: 'Payment link not valid',
    heading: 'This payment link is not valid',
    text: 'Check that the whole link was copied from the email, or ask the merchant for a new one.',
  },
  expired: { title: 'Payment request expired', heading: 'This payment request has expired', text: 'Ask the merchant to send you a new one.' },
  productMissing: {
    title: 'Product not found',
    heading: 'This product is not available',
    text: 'The link may be mistyped, or the shop no longer sells it.',
  },
  quantity: {
    title: 'Quantity not available',
    heading: 'That quantity cannot be bought here',
    text: (name, min, max) => `${name} can be bought ${min} to ${max} at a time.`,
    buyOne: 'Buy one instead',
  },
  receiptMissing: {
    title: 'Receipt not found',
    heading: 'There is no such receipt',
    text: 'Check that the whole link was copied, or ask the merchant for the receipt.',
  },
  receiptUnavailable: { title: 'Receipt not available right now', heading: 'The receipt cannot be shown right now', text: 'Please try again in a minute.' },
  notPaid: {
    title: 'No receipt yet',
    heading: 'This payment has no receipt yet',
    text: 'A receipt appears here once the payment is complete.',
    pay: 'Go to the payment page',
  },
};

const hi: PageStrings = {
  status: {
    none: 'अभी भुगतान नहीं हुआ',
    pending: 'भुगतान की प्रतीक्षा है',
    partially_paid: 'आंशिक भुगतान: {paid} मिले',
    paid: '{paid} का भुगतान हो गया',
    expired: 'पिछला भुगतान लिंक समाप्त हो गया; अभी भुगतान करने पर नया लिंक बनेगा',
    cancelled: 'पिछला भुगतान लिंक रद्द हो गया; अभी भुगतान करने पर नया लिंक बनेगा',
    failed: 'पिछला प्रयास विफल रहा; आप फिर से कोशिश कर सकते हैं',
  },
  eyebrow: { payment: 'भुगतान अनुरोध', buy: 'खरीदें', receipt: 'रसीद' },
  testMode: 'टेस्ट मोड',
  rows: {
    reference: 'संदर्भ',
    amount: 'राशि',
    price: 'कीमत',
    quantity: 'मात्रा',
    total: 'कुल',
    status: 'स्थिति',
    due: 'बाकी',
    paidAt: 'भुगतान का समय',
    receipt: 'रसीद',
    items: 'आइटम',
    provider: 'भुगतान माध्यम',
    providerReference: 'भुगतान संदर्भ',
    customer: 'ग्राहक',
    merchant: 'विक्रेता',
  },
  each: (unit) => `${unit} प्रति नग`,
  payTitle: (what, amount, merchant) => (merchant ? `${merchant} को भुगतान करें — ${what}` : `${what} — ${amount} का भुगतान करें`),
  buyTitle: (what, amount) => `${what} खरीदें — ${amount}`,
  paidTitle: (what, amount) => `भुगतान हो गया: ${what} — ${amount}`,
  receiptTitle: (what, merchant) => `रसीद${merchant ? ` (${merchant})` : ''} — ${what}`,
  receiptLink: 'रसीद देखें या प्रिंट करें',
  print: 'प्रिंट करें या PDF सहेजें',
  fineInvoice: 'भुगतान विक्रेता के भुगतान प्रदाता द्वारा लिया जाता है। यह पेज खुद कभी कार्ड की जानकारी नहीं माँगता।',
  fineBuy: 'भुगतान दुकान के भुगतान प्रदाता द्वारा लिया जाता है। यह पेज खुद कभी कार्ड की जानकारी नहीं माँगता।',
  receiptFine: 'यह रसीद अपने रिकॉर्ड के लिए रखें। भुगतान ऊपर बताए गए भुगतान प्रदाता ने लिया।',
  support: 'इस भुगतान के बारे में प्रश्न? लिखें:',
  invalid: {
    title: 'भुगतान लिंक मान्य नहीं',
    heading: 'यह भुगतान लिंक मान्य नहीं है',
    text: 'जाँचें कि ईमेल से पूरा लिंक कॉपी हुआ है, या विक्रेता से नया लिंक माँगें।',
  },
  expired: { title: 'भुगतान अनुरोध समाप्त', heading: 'इस भुगतान अनुरोध की समय-सीमा समाप्त हो गई है', text: 'विक्रेता से नया अनुरोध भेजने को कहें।' },
  productMissing: { title: 'उत्पाद नहीं मिला', heading: 'यह उत्पाद उपलब्ध नहीं है', text: 'लिंक में गलती हो सकती है, या दुकान अब इसे नहीं बेचती।' },
  quantity: {
    title: 'मात्रा उपलब्ध नहीं',
    heading: 'यह मात्रा यहाँ नहीं खरीदी जा सकती',
    text: (name, min, max) => `${name} एक बार में ${min} से ${max} तक खरीदा जा सकता है।`,
    buyOne: 'इसके बजाय एक खरीदें',
  },
  receiptMissing: { title: 'रसीद नहीं मिली', heading: 'ऐसी कोई रसीद नहीं है', text: 'जाँचें कि पूरा लिंक कॉपी हुआ है, या विक्रेता से रसीद माँगें।' },
  receiptUnavailable: { title: 'रसीद अभी उपलब्ध नहीं', heading: 'रसीद अभी नहीं दिखाई जा सकती', text: 'कृपया एक मिनट बाद फिर से कोशिश करें।' },
  notPaid: {
    title: 'अभी रसीद नहीं',
    heading: 'इस भुगतान की अभी कोई रसीद नहीं है',
    text: 'भुगतान पूरा होने पर रसीद यहाँ दिखेगी।',
    pay: 'भुगतान पेज पर जाएँ',
  },
};

const id: PageStrings = {
  status: {
    none: 'Belum dibayar',
    pending: 'Menunggu pembayaran',
    partially_paid: 'Dibayar sebagian: {paid} diterima',
    paid: 'Lunas {paid}',
    expired: 'Tautan pembayaran terakhir kedaluwarsa; membayar sekarang membuat tautan baru',
    cancelled: 'Tautan pembayaran terakhir dibatalkan; membayar sekarang membuat tautan baru',
    failed: 'Percobaan terakhir gagal; Anda dapat mencoba lagi',
  },
  eyebrow: { payment: 'Permintaan pembayaran', buy: 'Beli', receipt: 'Tanda terima' },
  testMode: 'mode uji',
  rows: {
    reference: 'Referensi',
    amount: 'Jumlah',
    price: 'Harga',
    quantity: 'Kuantitas',
    total: 'Total',
    status: 'Status',
    due: 'Sisa tagihan',
    paidAt: 'Dibayar pada',
    receipt: 'Tanda terima',
    items: 'Barang',
    provider: 'Dibayar melalui',
    providerReference: 'Ref. pembayaran',
    customer: 'Ditagihkan kepada',
    merchant: 'Dari',
  },
  each: (unit) => `${unit} per buah`,
  payTitle: (what, amount, merchant) => (merchant ? `Bayar ${merchant} — ${what}` : `Bayar ${what} — ${amount}`),
  buyTitle: (what, amount) => `Beli ${what} — ${amount}`,
  paidTitle: (what, amount) => `Lunas: ${what} — ${amount}`,
  receiptTitle: (what, merchant) => `Tanda terima${merchant ? ` dari ${merchant}` : ''} — ${what}`,
  receiptLink: 'Lihat atau cetak tanda terima',
  print: 'Cetak atau simpan sebagai PDF',
  fineInvoice: 'Pembayaran diproses oleh penyedia pembayaran penjual. Halaman ini tidak pernah meminta data kartu.',
  fineBuy: 'Pembayaran diproses oleh penyedia pembayaran toko. Halaman ini tidak pernah meminta data kartu.',
  receiptFine: 'Simpan tanda terima ini untuk catatan Anda. Pembayaran diterima oleh penyedia pembayaran di atas.',
  support: 'Ada pertanyaan tentang pembayaran ini? Tulis ke',
  invalid: {
    title: 'Tautan pembayaran tidak valid',
    heading: 'Tautan pembayaran ini tidak valid',
    text: 'Pastikan seluruh tautan tersalin dari email, atau minta tautan baru kepada penjual.',
  },
  expired: { title: 'Permintaan pembayaran kedaluwarsa', heading: 'Permintaan pembayaran ini sudah kedaluwarsa', text: 'Minta penjual mengirim yang baru.' },
  productMissing: { title: 'Produk tidak ditemukan', heading: 'Produk ini tidak tersedia', text: 'Tautan mungkin salah ketik, atau toko tidak lagi menjualnya.' },
  quantity: {
    title: 'Kuantitas tidak tersedia',
    heading: 'Kuantitas itu tidak dapat dibeli di sini',
    text: (name, min, max) => `${name} dapat dibeli ${min} sampai ${max} sekaligus.`,
    buyOne: 'Beli satu saja',
  },
  receiptMissing: { title: 'Tanda terima tidak ditemukan', heading: 'Tanda terima ini tidak ada', text: 'Pastikan seluruh tautan tersalin, atau minta tanda terima kepada penjual.' },
  receiptUnavailable: { title: 'Tanda terima belum tersedia', heading: 'Tanda terima tidak dapat ditampilkan saat ini', text: 'Silakan coba lagi sebentar lagi.' },
  notPaid: {
    title: 'Belum ada tanda terima',
    heading: 'Pembayaran ini belum memiliki tanda terima',
    text: 'Tanda terima muncul di sini setelah pembayaran selesai.',
    pay: 'Ke halaman pembayaran',
  },
};

const ms: PageStrings = {
  status: {
    none: 'Belum dibayar',
    pending: 'Menunggu pembayaran',
    partially_paid: 'Dibayar sebahagian: {paid} diterima',
    paid: 'Dibayar {paid}',
    expired: 'Pautan pembayaran terakhir telah tamat tempoh; membayar sekarang mencipta pautan baharu',
    cancelled: 'Pautan pembayaran terakhir telah dibatalkan; membayar sekarang mencipta pautan baharu',
    failed: 'Cubaan terakhir gagal; anda boleh cuba lagi',
  },
  eyebrow: { payment: 'Permintaan pembayaran', buy: 'Beli', receipt: 'Resit' },
  testMode: 'mod ujian',
  rows: {
    reference: 'Rujukan',
    amount: 'Amaun',
    price: 'Harga',
    quantity: 'Kuantiti',
    total: 'Jumlah',
    status: 'Status',
    due: 'Baki',
    paidAt: 'Dibayar pada',
    receipt: 'Resit',
    items: 'Item',
    provider: 'Dibayar melalui',
    providerReference: 'Ruj. pembayaran',
    customer: 'Dibilkan kepada',
    merchant: 'Daripada',
  },
  each: (unit) => `${unit} seunit`,
  payTitle: (what, amount, merchant) => (merchant ? `Bayar ${merchant} — ${what}` : `Bayar ${what} — ${amount}`),
  buyTitle: (what, amount) => `Beli ${what} — ${amount}`,
  paidTitle: (what, amount) => `Dibayar: ${what} — ${amount}`,
  receiptTitle: (what, merchant) => `Resit${merchant ? ` daripada ${merchant}` : ''} — ${what}`,
  receiptLink: 'Lihat atau cetak resit',
  print: 'Cetak atau simpan sebagai PDF',
  fineInvoice: 'Pembayaran dikendalikan oleh penyedia pembayaran peniaga. Halaman ini tidak sekali-kali meminta butiran kad.',
  fineBuy: 'Pembayaran dikendalikan oleh penyedia pembayaran kedai. Halaman ini tidak sekali-kali meminta butiran kad.',
  receiptFine: 'Simpan resit ini untuk rekod anda. Pembayaran diterima oleh penyedia pembayaran di atas.',
  support: 'Ada soalan tentang pembayaran ini? Tulis kepada',
  invalid: {
    title: 'Pautan pembayaran tidak sah',
    heading: 'Pautan pembayaran ini tidak sah',
    text: 'Pastikan seluruh pautan disalin daripada e-mel, atau minta pautan baharu daripada peniaga.',
  },
  expired: { title: 'Permintaan pembayaran tamat tempoh', heading: 'Permintaan pembayaran ini telah tamat tempoh', text: 'Minta peniaga menghantar yang baharu.' },
  productMissing: { title: 'Produk tidak ditemui', heading: 'Produk ini tidak tersedia', text: 'Pautan mungkin tersalah taip, atau kedai tidak lagi menjualnya.' },
  quantity: {
    title: 'Kuantiti tidak tersedia',
    heading: 'Kuantiti itu tidak boleh dibeli di sini',
    text: (name, min, max) => `${name} boleh dibeli ${min} hingga ${max} pada satu masa.`,
    buyOne: 'Beli satu sahaja',
  },
  receiptMissing: { title: 'Resit tidak ditemui', heading: 'Resit ini tidak wujud', text: 'Pastikan seluruh pautan disalin, atau minta resit daripada peniaga.' },
  receiptUnavailable: { title: 'Resit tidak tersedia sekarang', heading: 'Resit tidak dapat dipaparkan sekarang', text: 'Sila cuba lagi sebentar lagi.' },
  notPaid: {
    title: 'Belum ada resit',
    heading: 'Pembayaran ini belum mempunyai resit',
    text: 'Resit dipaparkan di sini sebaik sahaja pembayaran selesai.',
    pay: 'Pergi ke halaman pembayaran',
  },
};

const th: PageStrings = {
  status: {
    none: 'ยังไม่ได้ชำระ',
    pending: 'รอการชำระเงิน',
    partially_paid: 'ชำระบางส่วน: ได้รับ {paid}',
    paid: 'ชำระแล้ว {paid}',
    expired: 'ลิงก์ชำระเงินล่าสุดหมดอายุแล้ว การชำระตอนนี้จะสร้างลิงก์ใหม่',
    cancelled: 'ลิงก์ชำระเงินล่าสุดถูกยกเลิก การชำระตอนนี้จะสร้างลิงก์ใหม่',
    failed: 'การชำระครั้งล่าสุดไม่สำเร็จ คุณลองใหม่ได้',
  },
  eyebrow: { payment: 'คำขอชำระเงิน', buy: 'ซื้อ', receipt: 'ใบเสร็จ' },
  testMode: 'โหมดทดสอบ',
  rows: {
    reference: 'เลขอ้างอิง',
    amount: 'จำนวนเงิน',
    price: 'ราคา',
    quantity: 'จำนวน',
    total: 'รวม',
    status: 'สถานะ',
    due: 'ค้างชำระ',
    paidAt: 'ชำระเมื่อ',
    receipt: 'ใบเสร็จ',
    items: 'รายการ',
    provider: 'ชำระผ่าน',
    providerReference: 'อ้างอิงการชำระ',
    customer: 'เรียกเก็บจาก',
    merchant: 'จาก',
  },
  each: (unit) => `ชิ้นละ ${unit}`,
  payTitle: (what, amount, merchant) => (merchant ? `ชำระเงินให้ ${merchant} — ${what}` : `ชำระ ${what} — ${amount}`),
  buyTitle: (what, amount) => `ซื้อ ${what} — ${amount}`,
  paidTitle: (what, amount) => `ชำระแล้ว: ${what} — ${amount}`,
  receiptTitle: (what, merchant) => `ใบเสร็จ${merchant ? `จาก ${merchant}` : ''} — ${what}`,
  receiptLink: 'ดูหรือพิมพ์ใบเสร็จ',
  print: 'พิมพ์หรือบันทึกเป็น PDF',
  fineInvoice: 'การชำระเงินดำเนินการโดยผู้ให้บริการชำระเงินของร้านค้า หน้านี้ไม่ขอข้อมูลบัตรเอง',
  fineBuy: 'การชำระเงินดำเนินการโดยผู้ให้บริการชำระเงินของร้าน หน้านี้ไม่ขอข้อมูลบัตรเอง',
  receiptFine: 'โปรดเก็บใบเสร็จนี้ไว้เป็นหลักฐาน การชำระเงินรับโดยผู้ให้บริการชำระเงินที่ระบุข้างต้น',
  support: 'มีคำถามเกี่ยวกับการชำระเงินนี้? เขียนถึง',
  invalid: {
    title: 'ลิงก์ชำระเงินไม่ถูกต้อง',
    heading: 'ลิงก์ชำระเงินนี้ไม่ถูกต้อง',
    text: 'ตรวจสอบว่าคัดลอกลิงก์จากอีเมลครบถ้วน หรือขอลิงก์ใหม่จากร้านค้า',
  },
  expired: { title: 'คำขอชำระเงินหมดอายุ', heading: 'คำขอชำระเงินนี้หมดอายุแล้ว', text: 'โปรดขอให้ร้านค้าส่งคำขอใหม่' },
  productMissing: { title: 'ไม่พบสินค้า', heading: 'สินค้านี้ไม่มีจำหน่าย', text: 'ลิงก์อาจพิมพ์ผิด หรือร้านไม่ได้ขายสินค้านี้แล้ว' },
  quantity: {
    title: 'ไม่สามารถซื้อจำนวนนี้ได้',
    heading: 'ไม่สามารถซื้อจำนวนนั้นที่นี่ได้',
    text: (name, min, max) => `${name} ซื้อได้ครั้งละ ${min} ถึง ${max}`,
    buyOne: 'ซื้อหนึ่งชิ้นแทน',
  },
  receiptMissing: { title: 'ไม่พบใบเสร็จ', heading: 'ไม่มีใบเสร็จนี้', text: 'ตรวจสอบว่าคัดลอกลิงก์ครบถ้วน หรือขอใบเสร็จจากร้านค้า' },
  receiptUnavailable: { title: 'ยังแสดงใบเสร็จไม่ได้', heading: 'ไม่สามารถแสดงใบเสร็จได้ในขณะนี้', text: 'โปรดลองอีกครั้งในอีกสักครู่' },
  notPaid: {
    title: 'ยังไม่มีใบเสร็จ',
    heading: 'การชำระเงินนี้ยังไม่มีใบเสร็จ',
    text: 'ใบเสร็จจะแสดงที่นี่เมื่อชำระเงินเสร็จสมบูรณ์',
    pay: 'ไปที่หน้าชำระเงิน',
  },
};

const vi: PageStrings = {
  status: {
    none: 'Chưa thanh toán',
    pending: 'Đang chờ thanh toán',
    partially_paid: 'Đã thanh toán một phần: đã nhận {paid}',
    paid: 'Đã thanh toán {paid}',
    expired: 'Liên kết thanh toán gần nhất đã hết hạn; thanh toán bây giờ sẽ tạo liên kết mới',
    cancelled: 'Liên kết thanh toán gần nhất đã bị hủy; thanh toán bây giờ sẽ tạo liên kết mới',
    failed: 'Lần thử gần nhất không thành công; bạn có thể thử lại',
  },
  eyebrow: { payment: 'Yêu cầu thanh toán', buy: 'Mua', receipt: 'Biên nhận' },
  testMode: 'chế độ thử',
  rows: {
    reference: 'Mã tham chiếu',
    amount: 'Số tiền',
    price: 'Giá',
    quantity: 'Số lượng',
    total: 'Tổng',
    status: 'Trạng thái',
    due: 'Còn nợ',
    paidAt: 'Thanh toán lúc',
    receipt: 'Biên nhận',
    items: 'Mặt hàng',
    provider: 'Thanh toán qua',
    providerReference: 'Mã thanh toán',
    customer: 'Người nhận hóa đơn',
    merchant: 'Từ',
  },
  each: (unit) => `${unit} mỗi món`,
  payTitle: (what, amount, merchant) => (merchant ? `Thanh toán cho ${merchant} — ${what}` : `Thanh toán ${what} — ${amount}`),
  buyTitle: (what, amount) => `Mua ${what} — ${amount}`,
  paidTitle: (what, amount) => `Đã thanh toán: ${what} — ${amount}`,
  receiptTitle: (what, merchant) => `Biên nhận${merchant ? ` từ ${merchant}` : ''} — ${what}`,
  receiptLink: 'Xem hoặc in biên nhận',
  print: 'In hoặc lưu thành PDF',
  fineInvoice: 'Khoản thanh toán do nhà cung cấp thanh toán của người bán xử lý. Trang này không bao giờ tự hỏi thông tin thẻ.',
  fineBuy: 'Khoản thanh toán do nhà cung cấp thanh toán của cửa hàng xử lý. Trang này không bao giờ tự hỏi thông tin thẻ.',
  receiptFine: 'Hãy giữ biên nhận này để lưu hồ sơ. Khoản thanh toán được nhận bởi nhà cung cấp thanh toán nêu trên.',
  support: 'Có câu hỏi về khoản thanh toán này? Hãy viết cho',
  invalid: {
    title: 'Liên kết thanh toán không hợp lệ',
    heading: 'Liên kết thanh toán này không hợp lệ',
    text: 'Hãy kiểm tra đã sao chép đầy đủ liên kết từ email, hoặc xin người bán liên kết mới.',
  },
  expired: { title: 'Yêu cầu thanh toán đã hết hạn', heading: 'Yêu cầu thanh toán này đã hết hạn', text: 'Hãy đề nghị người bán gửi yêu cầu mới.' },
  productMissing: { title: 'Không tìm thấy sản phẩm', heading: 'Sản phẩm này không có sẵn', text: 'Liên kết có thể bị gõ sai, hoặc cửa hàng không còn bán sản phẩm này.' },
  quantity: {
    title: 'Số lượng không khả dụng',
    heading: 'Không thể mua số lượng đó ở đây',
    text: (name, min, max) => `${name} có thể mua từ ${min} đến ${max} mỗi lần.`,
    buyOne: 'Mua một cái thay thế',
  },
  receiptMissing: { title: 'Không tìm thấy biên nhận', heading: 'Không có biên nhận này', text: 'Hãy kiểm tra đã sao chép đầy đủ liên kết, hoặc xin người bán biên nhận.' },
  receiptUnavailable: { title: 'Biên nhận tạm thời không khả dụng', heading: 'Hiện không thể hiển thị biên nhận', text: 'Vui lòng thử lại sau một phút.' },
  notPaid: {
    title: 'Chưa có biên nhận',
    heading: 'Khoản thanh toán này chưa có biên nhận',
    text: 'Biên nhận sẽ hiện ở đây khi thanh toán hoàn tất.',
    pay: 'Đến trang thanh toán',
  },
};

const es: PageStrings = {
  status: {
    none: 'Aún sin pagar',
    pending: 'Esperando el pago',
    partially_paid: 'Pagado en parte: {paid} recibidos',
    paid: 'Pagado {paid}',
    expired: 'El último enlace de pago caducó; pagar ahora crea uno nuevo',
    cancelled: 'El último enlace de pago se canceló; pagar ahora crea uno nuevo',
    failed: 'El último intento falló; puedes volver a intentarlo',
  },
  eyebrow: { payment: 'Solicitud de pago', buy: 'Comprar', receipt: 'Recibo' },
  testMode: 'modo de prueba',
  rows: {
    reference: 'Referencia',
    amount: 'Importe',
    price: 'Precio',
    quantity: 'Cantidad',
    total: 'Total',
    status: 'Estado',
    due: 'Pendiente',
    paidAt: 'Pagado el',
    receipt: 'Recibo',
    items: 'Artículos',
    provider: 'Pagado con',
    providerReference: 'Ref. del pago',
    customer: 'Facturado a',
    merchant: 'De',
  },
  each: (unit) => `${unit} cada uno`,
  payTitle: (what, amount, merchant) => (merchant ? `Pagar a ${merchant} — ${what}` : `Pagar ${what} — ${amount}`),
  buyTitle: (what, amount) => `Comprar ${what} — ${amount}`,
  paidTitle: (what, amount) => `Pagado: ${what} — ${amount}`,
  receiptTitle: (what, merchant) => `Recibo${merchant ? ` de ${merchant}` : ''} — ${what}`,
  receiptLink: 'Ver o imprimir el recibo',
  print: 'Imprimir o guardar como PDF',
  fineInvoice: 'El pago lo gestiona el proveedor de pagos del comercio. Esta página nunca pide datos de tarjeta por sí misma.',
  fineBuy: 'El pago lo gestiona el proveedor de pagos de la tienda. Esta página nunca pide datos de tarjeta por sí misma.',
  receiptFine: 'Guarda este recibo para tus registros. El pago lo cobró el proveedor de pagos indicado arriba.',
  support: '¿Preguntas sobre este pago? Escribe a',
  invalid: {
    title: 'Enlace de pago no válido',
    heading: 'Este enlace de pago no es válido',
    text: 'Comprueba que copiaste el enlace completo del correo, o pide uno nuevo al comercio.',
  },
  expired: { title: 'Solicitud de pago caducada', heading: 'Esta solicitud de pago ha caducado', text: 'Pide al comercio que te envíe una nueva.' },
  productMissing: { title: 'Producto no encontrado', heading: 'Este producto no está disponible', text: 'Puede que el enlace esté mal escrito o que la tienda ya no lo venda.' },
  quantity: {
    title: 'Cantidad no disponible',
    heading: 'Esa cantidad no se puede comprar aquí',
    text: (name, min, max) => `${name} se puede comprar de ${min} a ${max} a la vez.`,
    buyOne: 'Comprar uno',
  },
  receiptMissing: { title: 'Recibo no encontrado', heading: 'Ese recibo no existe', text: 'Comprueba que copiaste el enlace completo, o pide el recibo al comercio.' },
  receiptUnavailable: { title: 'Recibo no disponible ahora', heading: 'El recibo no se puede mostrar ahora', text: 'Vuelve a intentarlo en un minuto.' },
  notPaid: {
    title: 'Aún no hay recibo',
    heading: 'Este pago aún no tiene recibo',
    text: 'El recibo aparece aquí cuando el pago se completa.',
    pay: 'Ir a la página de pago',
  },
};

export const PAGE_STRINGS: Record<PageLang, PageStrings> = { en, hi, id, ms, th, vi, es };

/** The status row's words in every language, for `/pay.js` (which picks by `<html lang>`). */
export const STATUS_TEXTS: Record<PageLang, PageStrings['status']> = Object.fromEntries(
  Object.entries(PAGE_STRINGS).map(([lang, strings]) => [lang, strings.status]),
) as Record<PageLang, PageStrings['status']>;
