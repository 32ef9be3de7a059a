import type { Translation } from '../localize.ts';

const vi: Translation = {
  $code: 'vi',
  pay: (amount) => (amount ? `Thanh toán ${amount}` : 'Thanh toán'),
  preparing: 'Đang chuẩn bị trang thanh toán an toàn…',
  checking: 'Đang kiểm tra trạng thái thanh toán…',
  waiting: 'Vui lòng hoàn tất thanh toán trong cửa sổ thanh toán.',
  waitingReturn: 'Đang chờ xác nhận thanh toán…',
  checkAgain: 'Kiểm tra lại',
  reopen: 'Mở lại trang thanh toán',
  paid: (amount) => `Đã thanh toán ✓ ${amount}`,
  partiallyPaid: (paid, remaining) => `Đã thanh toán ${paid}, còn lại ${remaining}.`,
  expired: 'Liên kết thanh toán này đã hết hạn.',
  newLink: 'Lấy liên kết mới',
  cancelled: 'Thanh toán đã bị hủy.',
  failed: 'Không thể hoàn tất thanh toán.',
  error: 'Đã xảy ra lỗi.',
  networkError: 'Không thể kết nối tới dịch vụ thanh toán. Vui lòng kiểm tra kết nối mạng.',
  retry: 'Thử lại',
  blocked: 'Cửa sổ thanh toán đã bị chặn, nên trang thanh toán sẽ mở trong tab này.',
};

export default vi;
