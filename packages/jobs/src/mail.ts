import type { Config } from '@tradehits/config';
import nodemailer from 'nodemailer';

export interface Mail {
  to: string[];
  subject: string;
  text: string;
  html: string;
}

/** Sends each mail over one SMTP connection; a no-op returning 0 when SMTP_URL is unset. */
export async function sendMails(config: Pick<Config, 'SMTP_URL' | 'REPORT_EMAIL_FROM'>, mails: Mail[]) {
  if (!config.SMTP_URL || mails.length === 0) return 0;
  const transport = nodemailer.createTransport(config.SMTP_URL);
  try {
    for (const m of mails) await transport.sendMail({ from: config.REPORT_EMAIL_FROM, ...m });
  } finally {
    transport.close();
  }
  return mails.length;
}

/** Escapes text for an HTML body: every value that reaches a mail's HTML passes through here. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}
