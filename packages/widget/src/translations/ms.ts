import type { Translation } from '../localize.ts';

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
};

export default ms;
