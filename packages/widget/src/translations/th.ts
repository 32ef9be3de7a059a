import type { Translation } from '../localize.ts';

// Thai ends sentences with a space, not a full stop.
const th: Translation = {
  $code: 'th',
  pay: (amount) => (amount ? `ชำระเงิน ${amount}` : 'ชำระเงิน'),
  preparing: 'กำลังเตรียมหน้าชำระเงินที่ปลอดภัย…',
  checking: 'กำลังตรวจสอบสถานะการชำระเงิน…',
  waiting: 'โปรดชำระเงินให้เสร็จในหน้าต่างชำระเงิน',
  waitingReturn: 'กำลังรอการยืนยันการชำระเงิน…',
  checkAgain: 'ตรวจสอบอีกครั้ง',
  reopen: 'เปิดหน้าชำระเงินอีกครั้ง',
  paid: (amount) => `ชำระเงินแล้ว ✓ ${amount}`,
  partiallyPaid: (paid, remaining) => `ชำระแล้ว ${paid} คงเหลือ ${remaining}`,
  expired: 'ลิงก์ชำระเงินนี้หมดอายุแล้ว',
  newLink: 'ขอลิงก์ใหม่',
  cancelled: 'การชำระเงินถูกยกเลิกแล้ว',
  failed: 'การชำระเงินไม่สำเร็จ',
  error: 'เกิดข้อผิดพลาด',
  networkError: 'ไม่สามารถเชื่อมต่อบริการชำระเงินได้ โปรดตรวจสอบการเชื่อมต่อของคุณ',
  retry: 'ลองอีกครั้ง',
  blocked: 'หน้าต่างชำระเงินถูกบล็อก จึงเปิดหน้าชำระเงินในแท็บนี้แทน',
};

export default th;
