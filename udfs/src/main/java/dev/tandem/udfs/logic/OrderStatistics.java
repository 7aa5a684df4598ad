package dev.tandem.udfs.logic;

/**
 * A multiset of doubles that answers "the k-th smallest" and "how many are at most v" in O(log n):
 * an order-statistic tree (a treap whose nodes count their subtree), so a window's percentile is
 * kept exact as events enter and leave without knowing the values in advance. -0.0 is kept as 0.0.
 */
public final class OrderStatistics {
    private static final class Node {
        final double value;
        final int priority;
        int count = 1;
        int size = 1;
        Node left;
        Node right;

        Node(double value, int priority) {
            this.value = value;
            this.priority = priority;
        }

        void resize() {
            size = count + sizeOf(left) + sizeOf(right);
        }
    }

    private Node root;
    /** Priorities from a fixed xorshift sequence: the shape is random, runs are repeatable. */
    private int seed = 0x2545F491;

    public int size() {
        return sizeOf(root);
    }

    public void add(double value) {
        root = insert(root, value + 0.0);
    }

    /** Removes one occurrence of {@code value}, which must be held. */
    public void remove(double value) {
        root = delete(root, value + 0.0);
    }

    /** The k-th smallest value, 1 <= k <= size(). */
    public double select(int k) {
        Node n = root;
        while (true) {
            int left = sizeOf(n.left);
            if (k <= left) {
                n = n.left;
            } else if (k <= left + n.count) {
                return n.value;
            } else {
                k -= left + n.count;
                n = n.right;
            }
        }
    }

    /** How many values are at most {@code value}. */
    public int countAtMost(double value) {
        value += 0.0;
        int below = 0;
        Node n = root;
        while (n != null) {
            int c = Double.compare(value, n.value);
            if (c < 0) {
                n = n.left;
            } else {
                below += sizeOf(n.left) + n.count;
                if (c == 0) {
                    return below;
                }
                n = n.right;
            }
        }
        return below;
    }

    private Node insert(Node n, double value) {
        if (n == null) {
            return new Node(value, nextPriority());
        }
        int c = Double.compare(value, n.value);
        if (c == 0) {
            n.count++;
        } else if (c < 0) {
            n.left = insert(n.left, value);
            if (n.left.priority > n.priority) {
                n = rotateRight(n);
            }
        } else {
            n.right = insert(n.right, value);
            if (n.right.priority > n.priority) {
                n = rotateLeft(n);
            }
        }
        n.resize();
        return n;
    }

    private Node delete(Node n, double value) {
        if (n == null) {
            throw new IllegalStateException("removing " + value + ", which is not held");
        }
        int c = Double.compare(value, n.value);
        if (c < 0) {
            n.left = delete(n.left, value);
        } else if (c > 0) {
            n.right = delete(n.right, value);
        } else if (n.count > 1) {
            n.count--;
        } else {
            return unlink(n);
        }
        n.resize();
        return n;
    }

    /** The subtree without its root: the child of higher priority rises until the root is a leaf's parent. */
    private Node unlink(Node n) {
        if (n.left == null) {
            return n.right;
        }
        if (n.right == null) {
            return n.left;
        }
        Node top;
        if (n.left.priority > n.right.priority) {
            top = rotateRight(n);
            top.right = unlink(n);
        } else {
            top = rotateLeft(n);
            top.left = unlink(n);
        }
        top.resize();
        return top;
    }

    private static Node rotateRight(Node n) {
        Node l = n.left;
        n.left = l.right;
        l.right = n;
        n.resize();
        l.resize();
        return l;
    }

    private static Node rotateLeft(Node n) {
        Node r = n.right;
        n.right = r.left;
        r.left = n;
        n.resize();
        r.resize();
        return r;
    }

    private int nextPriority() {
        seed ^= seed << 13;
        seed ^= seed >>> 17;
        seed ^= seed << 5;
        return seed;
    }

    private static int sizeOf(Node n) {
        return n == null ? 0 : n.size;
    }
}
