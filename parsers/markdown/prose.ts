/**
 * The prose of a section as a table or endpoint list below it reads it: for the ports it states
 * ("add **outbound port 443** for the following IP addresses").
 *
 * Ports stated in prose belong to the block that prose introduces, not to every later block of
 * the section: a block takes the ports of the nearest paragraph above it, in its section, that
 * states any ("... to the Azure blob storage on port 443:"), and no statement further up adds
 * to them ("... to the portal on port 443 and access to port 53 (DNS services)", two list items
 * up, stays with what it introduced). A block introduced by prose that states no port
 * ("Additionally, the following items should be allowed:") keeps the ports of the statement
 * above it, which is what a reader takes it to mean.
 */
import { emptyPorts, type PortSpec } from '../../catalog/model.js';
import { isEmptyPorts, portsFromProse } from '../../catalog/ports.js';

export class SectionProse {
  private paragraphs: string[] = [];

  /** A heading: a new section, with nothing above. */
  reset(): void {
    this.paragraphs = [];
  }

  add(text: string): void {
    // Most paragraphs state no port: only those that may ("port", or TCP/UDP before numbers) are kept.
    if (/port|tcp|udp/i.test(text)) this.paragraphs.push(text);
  }

  /** The ports for the block that comes next; `own` is the block's own line ("... on port 25: 192.0.2.1"), read first. */
  ports(own?: string): PortSpec {
    for (const text of own ? [own] : []) {
      const ports = portsFromProse(text);
      if (!isEmptyPorts(ports)) return ports;
    }
    for (let i = this.paragraphs.length - 1; i >= 0; i -= 1) {
      const ports = portsFromProse(this.paragraphs[i]!);
      if (!isEmptyPorts(ports)) return ports;
    }
    return emptyPorts();
  }
}
