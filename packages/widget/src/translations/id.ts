import type { Translation } from './types.ts';
import { problemMessages } from './problems.ts';

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
  offline: 'Anda sedang offline. Status akan diperbarui saat koneksi kembali.',
  checked: 'Baru saja diperiksa.',
  closed: 'Anda menutup jendela checkout. Tidak ada yang ditagih.',
  problems: problemMessages({
    unavailable: 'Pembayaran ini tidak dapat dilakukan di sini saat ini. Silakan hubungi penjual.',
    busy: 'Layanan pembayaran sedang sibuk. Silakan coba lagi sebentar lagi.',
    gone: 'Tautan pembayaran ini tidak tersedia lagi.',
    invalid: 'Permintaan pembayaran ini tidak valid. Mintalah yang baru kepada penjual.',
    expired: 'Permintaan pembayaran ini sudah kedaluwarsa. Mintalah yang baru kepada penjual.',
  }),
};

export default id;
