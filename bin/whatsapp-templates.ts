import { writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { metaSubmissions } from '../lambdas/notifications/domain/meta-submission.ts';

/** Sample values Meta's reviewers see for each parameter. */
const EXAMPLES: Readonly<Record<string, string>> = {
  'voice.greeting': 'Namaste',
  'voice.signOff': 'With love',
  'brand.name': 'Saffron Threads',
  'customer.firstName': 'Asha',
  'order.number': '#1042',
  'shipment.carrier': 'Delhivery',
  'shipment.awb': '3021984756102',
  'shipment.trackingUrl': 'https://track.example.com/t/3021984756102',
  'shipment.expectedBy': '4 Dec',
  'substitution.original': 'Vitamin C Serum 30 ml',
  'substitution.substitute': 'Vitamin C Serum 2 × 15 ml',
  'confirmation.replyUrl': 'https://orders.example.com/c/AbC123',
  'confirmation.expiresAt': '2 Dec, 22:00',
  'cancellation.reason': 'cancelled at your request',
};

const options = new Command()
  .name('npm run whatsapp:templates --')
  .description('exports every WhatsApp template (and its backup) in the shape Meta\'s template creation API takes, after checking each one\'s parameters')
  .option('--out <file>', 'write the JSON here instead of standard output')
  .parse()
  .opts<{ out?: string }>();

const submissions = metaSubmissions(EXAMPLES);
const json = `${JSON.stringify(submissions, null, 2)}\n`;
if (options.out) {
  writeFileSync(options.out, json);
  console.error(`${submissions.length} templates (parameter counts checked) written to ${options.out}`);
} else {
  process.stdout.write(json);
}
