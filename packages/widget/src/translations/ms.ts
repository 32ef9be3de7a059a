import type { Translation } from './types.ts';
import { problemMessages } from './problems.ts';

const ms: Translation = {
  $code: 'ms',
  pay: (amount) => (amount ? `Bayar ${amount}` : 'Bayar'),
  preparing: 'Menyediakan pembayaran selamat…',
  checking: 'Menyemak status pembayaran…',
  waiting: 'Lengkapkan pembayaran di tetingkap pembayaran.',
  waitingReturn: 'Menunggu pengesahan pembayaran…',
  checkAgain: 'Semak semula',
  reopen: 'Buka semula pembayaran',
  paid: (amount) => `Dibayar ✓ ${amount}`,
  partiallyPaid: (paid, remaining) => `${paid} telah dibayar, baki ${remaining}.`,
  expired: 'Pautan pembayaran ini telah tamat tempoh.',
  newLink: 'Dapatkan pautan baharu',
  cancelled: 'Pembayaran telah dibatalkan.',
  failed: 'Pembayaran tidak dapat diselesaikan.',
  error: 'Berlaku ralat.',
  networkError: 'Tidak dapat menghubungi perkhidmatan pembayaran. Semak sambungan anda.',
  retry: 'Cuba lagi',
  blocked: 'Tetingkap pembayaran disekat, jadi pembayaran dibuka di tab ini.',
  offline: 'Anda di luar talian. Status akan dikemas kini apabila sambungan pulih.',
  checked: 'Baru sahaja disemak.',
  closed: 'Anda telah menutup tetingkap pembayaran. Tiada caj dikenakan.',
  problems: problemMessages({
    unavailable: 'Pembayaran ini tidak dapat dibuat di sini buat masa ini. Sila hubungi penjual.',
    busy: 'Perkhidmatan pembayaran sedang sibuk. Sila cuba lagi sebentar lagi.',
    gone: 'Pautan pembayaran ini tidak lagi tersedia.',
    invalid: 'Permintaan pembayaran ini tidak sah. Sila minta yang baharu daripada penjual.',
    expired: 'Permintaan pembayaran ini telah tamat tempoh. Sila minta yang baharu daripada penjual.',
  }),
};

export default ms;
