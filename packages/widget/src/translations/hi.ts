import type { Translation } from '../localize.ts';

const hi: Translation = {
  $code: 'hi',
  pay: (amount) => (amount ? `${amount} का भुगतान करें` : 'भुगतान करें'),
  preparing: 'सुरक्षित चेकआउट तैयार हो रहा है…',
  checking: 'भुगतान की स्थिति जाँची जा रही है…',
  waiting: 'चेकआउट विंडो में भुगतान पूरा करें।',
  waitingReturn: 'भुगतान की पुष्टि की प्रतीक्षा है…',
  checkAgain: 'फिर से जाँचें',
  reopen: 'चेकआउट फिर से खोलें',
  paid: (amount) => `भुगतान हो गया ✓ ${amount}`,
  partiallyPaid: (paid, remaining) => `${paid} का भुगतान हुआ, ${remaining} बाकी है।`,
  expired: 'इस भुगतान लिंक की समय-सीमा समाप्त हो गई है।',
  newLink: 'नया लिंक पाएँ',
  cancelled: 'भुगतान रद्द कर दिया गया।',
  failed: 'भुगतान पूरा नहीं हो सका।',
  error: 'कुछ गलत हो गया।',
  networkError: 'भुगतान सेवा से संपर्क नहीं हो सका। अपना कनेक्शन जाँचें।',
  retry: 'फिर से कोशिश करें',
  blocked: 'चेकआउट विंडो ब्लॉक हो गई, इसलिए चेकआउट इसी टैब में खुलेगा।',
};

export default hi;
