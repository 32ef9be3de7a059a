import type { Translation } from '../localize.ts';

const es: Translation = {
  $code: 'es',
  pay: (amount) => (amount ? `Pagar ${amount}` : 'Pagar'),
  preparing: 'Preparando el pago seguro…',
  checking: 'Comprobando el estado del pago…',
  waiting: 'Completa el pago en la ventana de pago.',
  waitingReturn: 'Esperando la confirmación del pago…',
  checkAgain: 'Comprobar de nuevo',
  reopen: 'Volver a abrir el pago',
  paid: (amount) => `Pagado ✓ ${amount}`,
  partiallyPaid: (paid, remaining) => `Pagado: ${paid}. Falta: ${remaining}.`,
  expired: 'Este enlace de pago ha caducado.',
  newLink: 'Obtener un enlace nuevo',
  cancelled: 'El pago se canceló.',
  failed: 'No se pudo completar el pago.',
  error: 'Algo salió mal.',
  networkError: 'No se pudo conectar con el servicio de pago. Revisa tu conexión.',
  retry: 'Reintentar',
  blocked: 'Se bloqueó la ventana de pago, así que el pago se abre en esta pestaña.',
};

export default es;
