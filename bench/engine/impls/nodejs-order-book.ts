// nodejs-order-book (v10, the maintained line of the fasenderos order book).

import { OrderBook, Side } from 'nodejs-order-book';
import { createFasenderosImpl } from '../fasenderos-book-impl.js';
import type { ImplFactory } from '../impl.js';

const createImpl: ImplFactory = () =>
  createFasenderosImpl({
    name: 'nodejs-order-book',
    createBook: () => new OrderBook(),
    sides: [Side.BUY, Side.SELL],
  });

export default createImpl;
