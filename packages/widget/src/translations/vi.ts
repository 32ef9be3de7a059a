import type { Translation } from './types.ts';
import { problemMessages } from './problems.ts';

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
  offline: 'Bạn đang ngoại tuyến. Trạng thái sẽ được cập nhật khi có kết nối trở lại.',
  checked: 'Vừa kiểm tra xong.',
  closed: 'Bạn đã đóng cửa sổ thanh toán. Không có khoản nào bị trừ.',
  problems: problemMessages({
    unavailable: 'Hiện không thể thanh toán tại đây. Vui lòng liên hệ người bán.',
    busy: 'Dịch vụ thanh toán đang bận. Vui lòng thử lại sau giây lát.',
    gone: 'Liên kết thanh toán này không còn khả dụng.',
    invalid: 'Yêu cầu thanh toán này không hợp lệ. Vui lòng xin người bán yêu cầu mới.',
    expired: 'Yêu cầu thanh toán này đã hết hạn. Vui lòng xin người bán yêu cầu mới.',
  }),
};

export default vi;
