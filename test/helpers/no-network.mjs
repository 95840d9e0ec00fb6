// Preload (node --import) that fails the process on any network use from JavaScript: TCP/UDP
// sockets, DNS lookups, http(s) requests and fetch. Local IPC (pipes, unix sockets) is allowed.
import net from "node:net";
import dns from "node:dns";
import dgram from "node:dgram";
import http from "node:http";
import https from "node:https";

const attempts = [];
const deny = (what) => {
  attempts.push(what);
  process.stderr.write(`NETWORK-ATTEMPT: ${what}\n`);
  throw new Error(`network access attempted: ${what}`);
};
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  // Node's internals pass normalised arguments as an array: [options, callback].
  const o = Array.isArray(args[0]) ? args[0][0] : args[0];
  const isPath = (typeof o === "string" && !/^\d+$/.test(o)) || (o && typeof o === "object" && typeof o.path === "string");
  if (!isPath) deny(`socket connect ${JSON.stringify(o && typeof o === "object" ? { host: o.host, port: o.port } : o)}`);
  return connect.apply(this, args);
};
for (const name of ["lookup", "resolve", "resolve4", "resolve6"]) {
  dns[name] = () => deny(`dns.${name}`);
  if (dns.promises[name]) dns.promises[name] = async () => deny(`dns.promises.${name}`);
}
dgram.createSocket = () => deny("udp socket");
http.request = () => deny("http.request");
http.get = () => deny("http.get");
https.request = () => deny("https.request");
https.get = () => deny("https.get");
globalThis.fetch = async (u) => deny(`fetch ${u}`);
process.on("exit", () => {
  if (attempts.length) process.exitCode = 99;
});
