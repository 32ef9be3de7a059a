import type { Translation } from './types.ts';
import { problemMessages } from './problems.ts';

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
  offline: 'Sin conexión. El estado se actualizará cuando vuelvas a conectarte.',
  checked: 'Comprobado ahora mismo.',
  closed: 'Cerraste la ventana de pago. No se cobró nada.',
  problems: problemMessages({
    unavailable: 'No se puede pagar aquí en este momento. Contacta con el vendedor.',
    busy: 'El servicio de pago está ocupado. Inténtalo de nuevo en un momento.',
    gone: 'Este enlace de pago ya no está disponible.',
    invalid: 'Esta solicitud de pago no es válida. Pide una nueva al vendedor.',
    expired: 'Esta solicitud de pago ha caducado. Pide una nueva al vendedor.',
  }),
};

export default es;
