import type { Translation } from '../localize.ts';

const id: Translation = {
  $code: 'id',
  pay: (amount) => (amount ? `Bayar ${amount}` : 'Bayar'),
  preparing: 'Menyiapkan pembayaran aman…',
  checking: 'Memeriksa status pembayaran…',
  waiting: 'Selesaikan pembayaran di jendela checkout.',
  waitingReturn: 'Menunggu konfirmasi pembayaran…',
  checkAgain: 'Periksa lagi',
  reopen: 'Buka checkout lagi',
  paid: (amount) => `Lunas ✓ ${amount}`,
  partiallyPaid: (paid, remaining) => `${paid} sudah dibayar, sisa ${remaining}.`,
  expired: 'Tautan pembayaran ini sudah kedaluwarsa.',
  newLink: 'Dapatkan tautan baru',
  cancelled: 'Pembayaran dibatalkan.',
  failed: 'Pembayaran tidak dapat diselesaikan.',
  error: 'Terjadi kesalahan.',
  networkError: 'Tidak dapat menghubungi layanan pembayaran. Periksa koneksi Anda.',
  retry: 'Coba lagi',
  blocked: 'Jendela checkout diblokir, jadi checkout dibuka di tab ini.',
};

export default id;
